"""The schema and the example operations as a TypeScript client team compiles them: GraphQL
Code Generator (contract/codegen.ts: typescript + typescript-operations, Date and DateTime
mapped) then `tsc --strict --noEmit` over client code using the generated types
(contract/typecheck/), including WeChat's own expectations: `signType` as
wx.requestPayment takes it, and every timestamp a DateTime."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

from devstack.project import PROJECT_ROOT

CONTRACT = PROJECT_ROOT / "contract"
TOOLS = CONTRACT / "node_modules" / ".bin"
TOOL_LIMIT = 60  # seconds; codegen takes ~1.5 s and tsc ~1 s here, generous for a loaded machine
TSC_OPTIONS = ["--strict", "--noEmit", "--target", "es2022", "--module", "esnext",
               "--moduleResolution", "bundler", "--skipLibCheck"]

pytestmark = [
    pytest.mark.skipif(not TOOLS.is_dir(), reason="contract/node_modules missing: `make test` installs it"),
    pytest.mark.xdist_group("contract-codegen"),  # one generation for the module, on one worker
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A directory with codegen's graphql.ts and the client files of contract/typecheck/ beside it."""
    out = tmp_path_factory.mktemp("codegen")
    started = time.monotonic()
    finished = subprocess.run([str(TOOLS / "graphql-codegen"), "--config", "codegen.ts", "--silent"], cwd=CONTRACT,
                              env={**os.environ, "TUANSTACK_CODEGEN_OUT": str(out / "graphql.ts")},
                              capture_output=True, text=True, timeout=TOOL_LIMIT)
    print(f"graphql-codegen: {time.monotonic() - started:.1f} s")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    for client_file in (CONTRACT / "typecheck").glob("*.ts"):
        shutil.copy(client_file, out)
    return out


def _tsc(directory: Path, file: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TOOLS / "tsc"), *TSC_OPTIONS, file], cwd=directory,
                          capture_output=True, text=True, timeout=TOOL_LIMIT)


def test_codegen_types_every_example_operation(generated):
    source = (generated / "graphql.ts").read_text(encoding="utf-8")
    for path in sorted((PROJECT_ROOT / "graphql" / "operations").glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode):
                kind = definition.operation.value.capitalize()
                name = f"{definition.name.value}{kind}"
                assert re.search(rf"export type {name} = ", source), f"{path.name}: no type {name}"
                assert re.search(rf"export type {name}Variables = ", source), f"{path.name}: no {name}Variables"


def test_client_code_compiles_under_tsc_strict(generated):
    compiled = _tsc(generated, "client.ts")
    assert compiled.returncode == 0, compiled.stdout


def test_sign_type_is_an_enum(generated):
    compiled = _tsc(generated, "sign-type.ts")
    assert compiled.returncode == 0, compiled.stdout


def test_timestamps_are_date_time(generated):
    compiled = _tsc(generated, "timestamps.ts")
    assert compiled.returncode == 0, compiled.stdout
