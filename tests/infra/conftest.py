"""The deploy package is built once per test session (about 40 s) and shared."""
from __future__ import annotations

import json

import pytest

from devstack.package import build


@pytest.fixture(scope="session")
def packaged(tmp_path_factory):
    return build(tmp_path_factory.mktemp("packaged"))


@pytest.fixture(scope="session")
def template(packaged) -> dict:
    return json.loads(packaged.read_text())


@pytest.fixture(scope="session")
def resources(template) -> dict:
    return template["Resources"]
