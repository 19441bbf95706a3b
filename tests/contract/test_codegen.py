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


CLIENT_FILES = ("client.ts", "sign-type.ts", "timestamps.ts")


@pytest.fixture(scope="module")
def compiled(generated) -> subprocess.CompletedProcess:
    """One tsc over every client file (each a module: none sees another's names); a
    tsc costs ~1 s of CPU, most of it checking graphql.ts, which all of them import."""
    assert sorted(path.name for path in (CONTRACT / "typecheck").glob("*.ts")) == sorted(CLIENT_FILES)
    return subprocess.run([str(TOOLS / "tsc"), *TSC_OPTIONS, *CLIENT_FILES], cwd=generated,
                          capture_output=True, text=True, timeout=TOOL_LIMIT)


def _diagnostics_for(compiled: subprocess.CompletedProcess, file: str) -> list[str]:
    """tsc's diagnostics that fail `file`: its own, and any not in another client file
    (graphql.ts's, or one without a file) as a tsc of `file` alone would have shown."""
    diagnostics: list[str] = []
    for line in compiled.stdout.splitlines():
        if line[:1].isspace() and diagnostics:
            diagnostics[-1] += "\n" + line  # a diagnostic's continuation
        elif line.strip():
            diagnostics.append(line)
    others = tuple(f"{other}(" for other in CLIENT_FILES if other != file)
    failing = [d for d in diagnostics if not d.startswith(others)]
    if compiled.returncode != 0 and not diagnostics:
        failing.append(f"tsc exited {compiled.returncode}: {compiled.stderr}")
    return failing


def test_codegen_types_every_example_operation(generated):
    source = (generated / "graphql.ts").read_text(encoding="utf-8")
    for path in sorted((PROJECT_ROOT / "graphql" / "operations").glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode):
                kind = definition.operation.value.capitalize()
                name = f"{definition.name.value}{kind}"
                assert re.search(rf"export type {name} = ", source), f"{path.name}: no type {name}"
                assert re.search(rf"export type {name}Variables = ", source), f"{path.name}: no {name}Variables"


def test_client_code_compiles_under_tsc_strict(compiled):
    assert _diagnostics_for(compiled, "client.ts") == []


def test_sign_type_is_an_enum(compiled):
    assert _diagnostics_for(compiled, "sign-type.ts") == []


def test_timestamps_are_date_time(compiled):
    assert _diagnostics_for(compiled, "timestamps.ts") == []
