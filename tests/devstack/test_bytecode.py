"""The deploy zip's compiled files (devstack/bytecode.py): what a cold start loads
instead of compiling. The whole package is checked in tests/infra/test_package.py."""
from __future__ import annotations

import importlib.util
import marshal
import sys
import zipfile

import pytest

from devstack.bytecode import BytecodeError, add_compiled_files, check_runtime, pyc_name

TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, TIME), data)


def test_a_pyc_is_added_beside_each_module_and_the_rest_is_kept(tmp_path) -> None:
    path = tmp_path / "deployment.zip"
    write_zip(path, {"app.py": b"VALUE = 6 * 7\n", "pkg/data.json": b"{}", "pkg/__init__.py": b""})
    assert add_compiled_files(path) == 2
    archive = zipfile.ZipFile(path)
    assert archive.namelist() == [
        "app.py", f"__pycache__/app.{sys.implementation.cache_tag}.pyc", "pkg/data.json",
        "pkg/__init__.py", f"pkg/__pycache__/__init__.{sys.implementation.cache_tag}.pyc",
    ]
    assert archive.read("pkg/data.json") == b"{}"
    pyc = archive.read(pyc_name("app.py"))
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source never checked
    assert pyc[8:16] == importlib.util.source_hash(b"VALUE = 6 * 7\n")
    namespace: dict = {}
    exec(marshal.loads(pyc[16:]), namespace)
    assert namespace["VALUE"] == 42


def test_the_import_system_loads_the_pyc_without_looking_at_the_source(tmp_path) -> None:
    path = tmp_path / "deployment.zip"
    write_zip(path, {"compiled_probe.py": b"WHERE = 'pyc'\n"})
    add_compiled_files(path)
    zipfile.ZipFile(path).extractall(tmp_path / "task")
    # Unchecked: a source edited after the build is not even read (a read-only /var/task never is).
    (tmp_path / "task" / "compiled_probe.py").write_bytes(b"WHERE = 'source'\n")
    sys.path.insert(0, str(tmp_path / "task"))
    try:
        assert importlib.import_module("compiled_probe").WHERE == "pyc"
    finally:
        sys.path.remove(str(tmp_path / "task"))
        sys.modules.pop("compiled_probe", None)


def test_the_same_sources_give_the_same_zip(tmp_path) -> None:
    files = {"app.py": b"import os\nX = {'a': (1, 2.5, None)}\n", "lib/m.py": b"def f(x):\n    return x + 1\n"}
    built = []
    for name in ("one", "two"):
        write_zip(tmp_path / f"{name}.zip", files)
        add_compiled_files(tmp_path / f"{name}.zip")
        built.append((tmp_path / f"{name}.zip").read_bytes())
    assert built[0] == built[1]


def test_a_module_that_does_not_compile_fails_the_build(tmp_path) -> None:
    path = tmp_path / "deployment.zip"
    write_zip(path, {"broken.py": b"def (:\n"})
    with pytest.raises(BytecodeError, match="broken.py"):
        add_compiled_files(path)


def test_bytecode_for_another_runtime_version_is_refused() -> None:
    ours = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    check_runtime({ours})
    with pytest.raises(BytecodeError, match="python3.99"):
        check_runtime({ours, "python3.99"})


def test_a_developers_stale_pyc_is_replaced_by_an_unchecked_one(tmp_path) -> None:
    path = tmp_path / "deployment.zip"
    stale = importlib.util.MAGIC_NUMBER + b"\x00\x00\x00\x00" + b"\x00" * 8 + marshal.dumps(compile("X = 1", "m", "exec"))
    write_zip(path, {"m.py": b"X = 2\n", pyc_name("m.py"): stale})
    assert add_compiled_files(path) == 1
    archive = zipfile.ZipFile(path)
    assert archive.namelist() == ["m.py", pyc_name("m.py")]
    pyc = archive.read(pyc_name("m.py"))
    assert int.from_bytes(pyc[4:8], "little") == 0b01 and pyc[8:16] == importlib.util.source_hash(b"X = 2\n")
