# Everything a fresh machine needs comes from these targets: Python 3.11 + pip + npm.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GRAPHIQL_DIR := devstack/graphiql
GRAPHIQL_STAMP := $(GRAPHIQL_DIR)/node_modules/.installed
PORT ?= 8000
AWS_PORT ?= 4566

.PHONY: dev test package lint bench clean schema job

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) on PATH (or PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

$(GRAPHIQL_STAMP): $(GRAPHIQL_DIR)/package.json $(GRAPHIQL_DIR)/package-lock.json
	cd $(GRAPHIQL_DIR) && npm ci --no-audit --no-fund --silent
	touch $@

## make dev: the API on 127.0.0.1:$(PORT) against an embedded emulated AWS, with demo data
dev: $(STAMP) $(GRAPHIQL_STAMP)
	$(BIN)/python -m devstack --port $(PORT) --aws-port $(AWS_PORT)

## make job JOB=release-pending|expire|recompute-tiers [NOW=2026-01-01T00:05:00+08:00]: run a scheduled
## points job once against the running `make dev` stack (NOW defaults to the current time)
job: $(STAMP)
	@test -n "$(JOB)" || { echo "usage: make job JOB=release-pending|expire|recompute-tiers [NOW=<ISO time with zone>]"; exit 2; }
	$(BIN)/python -m devstack.jobs $(JOB) $(if $(NOW),--now "$(NOW)") --aws-port $(AWS_PORT)

## make test: the whole suite, plus the deploy template checked by cfn-lint; in parallel
## (pytest-xdist, one emulator per worker; TEST_WORKERS=0 runs it in this one process)
TEST_WORKERS ?= auto
test: $(STAMP) $(GRAPHIQL_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup tests

## make package: CloudFormation template + deployment zip in build/, offline
package: $(STAMP)
	$(BIN)/python -m devstack.package build

## make schema: re-export graphql/schema.graphql from the code
schema: $(STAMP)
	$(BIN)/python -m chalicelib.api.export_schema > graphql/schema.graphql

## make bench: benchmarks print figures (they are not tests)
bench: $(STAMP)
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/moderation.py
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) build $(GRAPHIQL_DIR)/node_modules .devstack
