"""moto's Batch (and with it all of EC2) imported only if Batch is used (moto 5.2.5, pinned).

moto's Step Functions interpreter imports `moto.batch.utils` for one enum (its Batch
task integration), and importing anything under `moto.batch` runs the package's
`__init__`, which loads Batch's models and those load EC2's: about a second of CPU
in every process that emulates Step Functions (each test worker, each dev stack
started), a third of the stack's start-up imports. Nothing here runs a Batch job.

`defer_batch()` registers `moto.batch` as a package whose `__init__` has not run:
its submodules import as usual, and the first attribute the package itself is asked
for (`batch_backends`, when a request or a reset reaches Batch) runs the `__init__`
then, so Batch still works if it is ever used.
"""
from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any

PACKAGE = "moto.batch"


class _DeferredPackage(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        # Only names not set yet get here (submodules are set as they are imported).
        self.__class__ = types.ModuleType
        self.__spec__.loader.exec_module(self)  # type: ignore[union-attr]
        return getattr(self, name)


def defer_batch() -> None:
    """Idempotent; nothing to do once moto.batch has been imported for real."""
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _DeferredPackage
    sys.modules[PACKAGE] = package
    sys.modules["moto"].batch = package  # as an import of the package would
