"""Authorization is decided in one layer: the services. GraphQL resolvers pass the
caller (``info.context.principal``) on and never decide who may do what."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib.core.errors import Forbidden, Unauthenticated
from chalicelib.core.principal import Principal, Role, require_self

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
DECIDERS = {"require_user", "require_role", "require_self", "may_manage", "Forbidden", "Unauthenticated"}


def _graphql_modules() -> list[Path]:
    """Every feature's resolvers (the kernel resolves who the caller is: authentication, not this)."""
    return sorted(p for p in CHALICELIB.glob("*/graphql/*.py") if p.parts[-3] != "core")


def test_no_resolver_module_decides_authorization():
    offenders = []
    for path in _graphql_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in ("chalicelib.core.principal", "chalicelib.core.errors"):
                offenders += [f"{path.relative_to(CHALICELIB)} imports {a.name}" for a in node.names if a.name in DECIDERS]
            if isinstance(node, ast.Name) and node.id in DECIDERS:
                offenders.append(f"{path.relative_to(CHALICELIB)}:{node.lineno} uses {node.id}")
    assert len(_graphql_modules()) >= 12
    assert offenders == []


def test_require_self_lets_only_the_owner_through():
    alice = Principal("A", Role.CUSTOMER)
    assert require_self(alice, "A") is alice
    with pytest.raises(Forbidden):
        require_self(alice, "B")
    with pytest.raises(Forbidden):
        require_self(Principal("O", Role.OPERATOR), "A")  # operators read others through their own fields
    with pytest.raises(Unauthenticated):
        require_self(None, "A")
