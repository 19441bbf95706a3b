"""Compiled files in the deployment zip, so a cold start does not compile.

Lambda unpacks the zip into a read-only /var/task: with no `__pycache__` there,
every cold start compiles every module it imports and cannot keep the result
(measured: 1.91 s of CPU for a first query without compiled files, 0.89 s with).

The pycs are unchecked-hash ones (PEP 552, what `py_compile` writes with
`PycInvalidationMode.UNCHECKED_HASH`): the header carries a hash of the source
instead of its mtime, and the loader trusts it without reading the source again.
An mtime pyc would not do: the zip's entries all carry the same 1980 timestamp
(chalice keeps the zip deterministic that way), while Lambda's unpacked files do
not promise one, so an mtime check could silently fall back to compiling. Since
the zip is built, never edited in place, the source cannot drift from its pyc.

The magic number is this interpreter's, so the build must run on the functions'
runtime version (`check_runtime`); a pyc of another version would be ignored.
"""
from __future__ import annotations

import importlib.util
import marshal
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

# PEP 552 flags word: bit 0 = hash-based, bit 1 = check the source. Unchecked: 0b01.
UNCHECKED_HASH_FLAGS = 0b01
# Where Lambda unpacks the code; names in tracebacks (the loader also fixes co_filename on load).
LAMBDA_TASK_ROOT = "/var/task"


class BytecodeError(Exception):
    pass


def runtime_version(runtime: str) -> tuple[int, int]:
    """'python3.11' -> (3, 11)."""
    major, minor = runtime.removeprefix("python").split(".")
    return int(major), int(minor)


def check_runtime(runtimes: set[str]) -> None:
    """Refuse to compile for a runtime whose bytecode this interpreter cannot write."""
    ours = sys.version_info[:2]
    others = sorted(runtime for runtime in runtimes if runtime_version(runtime) != ours)
    if others:
        raise BytecodeError(
            f"the functions run {others} but the package is built with Python {ours[0]}.{ours[1]}: "
            "its compiled files would be ignored; build with the runtime's Python"
        )


def pyc_name(source_name: str) -> str:
    """'chalicelib/core/settings.py' -> 'chalicelib/core/__pycache__/settings.cpython-311.pyc'."""
    path = PurePosixPath(source_name)
    return str(path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc").removeprefix("./")


def unchecked_hash_pyc(source: bytes, source_name: str) -> bytes:
    """The bytes py_compile writes for `source` with UNCHECKED_HASH (optimisation level 0, as Lambda runs)."""
    code = compile(source, f"{LAMBDA_TASK_ROOT}/{source_name}", "exec", dont_inherit=True)
    header = importlib.util.MAGIC_NUMBER + UNCHECKED_HASH_FLAGS.to_bytes(4, "little")
    return header + importlib.util.source_hash(source) + marshal.dumps(code)


def add_compiled_files(zip_path: Path) -> int:
    """Rewrite `zip_path` with an unchecked-hash pyc beside every .py; returns how many were added.

    A pyc already in the zip (chalice copies a developer's `__pycache__`) is
    dropped: it is timestamp-checked, and Lambda cannot rewrite it. Entries keep
    chalice's order and metadata, and each pyc takes its source's (fixed)
    timestamp and mode, so the same sources give the same zip.
    """
    added = 0
    with tempfile.TemporaryDirectory(prefix="tuanstack-pyc-") as scratch:
        rewritten = Path(scratch) / zip_path.name
        with zipfile.ZipFile(zip_path) as original, zipfile.ZipFile(rewritten, "w") as out:
            for entry in original.infolist():
                if entry.filename.endswith(".pyc") and "/__pycache__/" in f"/{entry.filename}":
                    continue
                data = original.read(entry)
                out.writestr(entry, data)
                if not entry.filename.endswith(".py"):
                    continue
                try:
                    compiled = unchecked_hash_pyc(data, entry.filename)
                except SyntaxError as error:
                    raise BytecodeError(f"{entry.filename} does not compile: {error}") from error
                info = zipfile.ZipInfo(pyc_name(entry.filename), entry.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = entry.external_attr
                out.writestr(info, compiled)
                added += 1
        shutil.move(rewritten, zip_path)
    return added
