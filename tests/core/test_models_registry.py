"""chalicelib/models.py registers every item type declared anywhere in chalicelib."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"


def declared_discriminators() -> dict[str, str]:
    """Discriminator value -> the module declaring it, read from the source."""
    found = {}
    for path in CHALICELIB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for keyword in node.keywords:
                    if keyword.arg == "discriminator" and isinstance(keyword.value, ast.Constant):
                        found[keyword.value.value] = str(path.relative_to(CHALICELIB))
    return found


def test_every_declared_item_type_is_registered_by_chalicelib_models():
    # A fresh interpreter: in this one, other tests have imported every module already.
    code = ("import json, chalicelib.models as m; "
            "print(json.dumps(sorted(m.registered_discriminators())))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=CHALICELIB.parent).stdout
    registered = set(__import__("json").loads(out))
    declared = declared_discriminators()
    assert len(declared) >= 30
    missing = {value: module for value, module in declared.items() if value not in registered}
    assert not missing, f"declared but not imported by chalicelib/models.py: {missing}"


def test_app_imports_the_registry_before_any_handler():
    tree = ast.parse((CHALICELIB.parent / "app.py").read_text())
    top_level = [n for n in tree.body if isinstance(n, ast.Import)]
    assert any(alias.name == "chalicelib.models" for n in top_level for alias in n.names)
