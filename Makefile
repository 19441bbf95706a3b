# Everything a fresh machine needs comes from these targets: Python 3.11 + pip + npm.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GRAPHIQL_DIR := devstack/graphiql
GRAPHIQL_STAMP := $(GRAPHIQL_DIR)/node_modules/.installed
CONTRACT_DIR := contract
CONTRACT_STAMP := $(CONTRACT_DIR)/node_modules/.installed
# Ports: TUANSTACK_PORT / TUANSTACK_AWS_PORT (environment) are the one source every
# command reads (python -m devstack, devstack.demo, devstack.jobs); `make dev PORT=9000
# AWS_PORT=4567` sets them. Unset, the commands default to 8000 and 4566.
PORTS = $(if $(PORT),TUANSTACK_PORT=$(PORT)) $(if $(AWS_PORT),TUANSTACK_AWS_PORT=$(AWS_PORT))

.PHONY: dev test package lint bench clean schema job

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) on PATH (or PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

$(GRAPHIQL_STAMP): $(GRAPHIQL_DIR)/package.json $(GRAPHIQL_DIR)/package-lock.json
	cd $(GRAPHIQL_DIR) && npm ci --no-audit --no-fund --silent
	touch $@

# Apollo Client, GraphQL Code Generator and tsc for tests/contract (client-side contract checks).
$(CONTRACT_STAMP): $(CONTRACT_DIR)/package.json $(CONTRACT_DIR)/package-lock.json
	cd $(CONTRACT_DIR) && npm ci --no-audit --no-fund --silent
	touch $@

## make dev [PORT=8000] [AWS_PORT=4566]: the API on 127.0.0.1 against an embedded emulated AWS, with demo data
dev: $(STAMP) $(GRAPHIQL_STAMP)
	$(PORTS) $(BIN)/python -m devstack

## make job JOB=release-pending|expire|recompute-tiers|overdue-disputes|settle-commissions|reward-referrals [NOW=2026-01-01T00:05:00+08:00]: run a
## scheduled job once against the running `make dev` stack (NOW defaults to the current time)
job: $(STAMP)
	@test -n "$(JOB)" || { echo "usage: make job JOB=release-pending|expire|recompute-tiers|overdue-disputes|settle-commissions|reward-referrals [NOW=<ISO time with zone>]"; exit 2; }
	$(PORTS) $(BIN)/python -m devstack.jobs $(JOB) $(if $(NOW),--now "$(NOW)")

## make test: the whole suite, lint and import contracts included, plus the deploy template checked by
## cfn-lint; in parallel (pytest-xdist, one emulator per worker; TEST_WORKERS=0 runs it in this one process).
## 4 workers on 2 cores: the subprocess and stream tests spend much of their time waiting, and 4 kept both
## cores busiest (measured: 2 workers 238 s, 3 198 s, 4 178 s, 6 204 s).
TEST_WORKERS ?= 4
test: $(STAMP) $(GRAPHIQL_STAMP) $(CONTRACT_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup tests

## make package: CloudFormation template + deployment zip in build/, offline
package: $(STAMP)
	$(BIN)/python -m devstack.package build

## make schema: re-export graphql/schema.graphql from the code, and the persisted operations manifest
schema: $(STAMP)
	$(BIN)/python -m chalicelib.export_schema > graphql/schema.graphql
	$(BIN)/python -m chalicelib.core.graphql.persisted manifest > chalicelib/persisted-operations.json

## make bench: benchmarks print figures (they are not tests)
bench: $(STAMP)
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/moderation.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/emulator_transport.py
	$(BIN)/python bench/graphql_request.py

## make lint: ruff (ruff.toml) and the import contracts (.importlinter). `make test` runs the same two
## as tests/test_lint.py, beside the other tests. Both always run, so one failure does not hide the other.
## COLUMNS keeps each import on one line.
LINT_PATHS := app.py chalicelib devstack tests bench tools
lint: $(STAMP)
	@rc=0; \
	$(BIN)/ruff check --no-cache $(LINT_PATHS) || rc=1; \
	COLUMNS=$${COLUMNS:-160} $(BIN)/lint-imports --no-cache || rc=1; \
	exit $$rc

clean:
	rm -rf $(VENV) build $(GRAPHIQL_DIR)/node_modules $(CONTRACT_DIR)/node_modules .devstack
