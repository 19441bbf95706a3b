"""The deploy package is built once per test session (about 40 s) and shared.

Under pytest-xdist every test here runs on one worker (`--dist loadgroup`), so
the package is built once, not once per worker.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("deploy-package"))

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
