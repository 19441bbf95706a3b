"""The local stack's two ports, one source for every command the README shows.

`python -m devstack`, `python -m devstack.demo` and `python -m devstack.jobs` take
`--port` (the API) and `--aws-port` (the emulated AWS), both defaulting to the
environment's TUANSTACK_PORT / TUANSTACK_AWS_PORT, then to 8000 / 4566; `make dev`
and `make job` pass `PORT=` / `AWS_PORT=` on as those variables. So a stack moved
with any of them is found by the others with the same flags or the same variables.
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

HOST = "127.0.0.1"
PORT_VARIABLE, AWS_PORT_VARIABLE = "TUANSTACK_PORT", "TUANSTACK_AWS_PORT"
DEFAULT_PORT, DEFAULT_AWS_PORT = 8000, 4566


def _from_environment(name: str, default: int, environ: Mapping[str, str]) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 65535:
        raise SystemExit(f"{name} must be a port number (0-65535), not {raw!r}")
    return int(raw)


def add_port_options(parser: argparse.ArgumentParser, *, api_use: str, aws_use: str,
                     environ: Mapping[str, str] | None = None) -> None:
    """--port and --aws-port with the environment's defaults; `*_use` says what the
    command does with each (every command accepts both, so the same flags work everywhere)."""
    environ = os.environ if environ is None else environ
    parser.add_argument("--port", type=int, default=_from_environment(PORT_VARIABLE, DEFAULT_PORT, environ),
                        help=f"{api_use} (env {PORT_VARIABLE}, default {DEFAULT_PORT})")
    parser.add_argument("--aws-port", type=int,
                        default=_from_environment(AWS_PORT_VARIABLE, DEFAULT_AWS_PORT, environ),
                        help=f"{aws_use} (env {AWS_PORT_VARIABLE}, default {DEFAULT_AWS_PORT})")
