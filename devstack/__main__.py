"""`python -m devstack`: the API on 127.0.0.1 against an embedded emulated AWS.

    python -m devstack [--port 8000] [--aws-port 4566] [--state-file .devstack/items.json]

TUANSTACK_PORT and TUANSTACK_AWS_PORT set the defaults; port 0 picks a free one
(the URLs printed say which). Ctrl-C or SIGTERM stops everything and exits.
"""
from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading
from pathlib import Path

from devstack.ports import add_port_options
from devstack.stack import DevStack


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__.splitlines()[0])
    add_port_options(parser, api_use="API port on 127.0.0.1", aws_use="emulated AWS port on 127.0.0.1")
    parser.add_argument("--state-file", type=Path, default=None,
                        help="keep the items and simulated payments in this file (and a journal beside it) "
                             "across restarts and crashes")
    parser.add_argument("--no-seed", action="store_true", help="start with an empty table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    for chatty in ("botocore", "boto3", "pynamodb", "urllib3"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    stopping = threading.Event()
    # Handlers before start: a signal during start-up still ends in stop().
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    # The emulator allocates heavily and keeps little: sweep the long-lived start-up
    # objects never and the young generation less often (as tests/conftest.py does).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    stack = DevStack(args.port, args.aws_port, state_file=args.state_file, seed=not args.no_seed)
    try:
        stack.start()
    except OSError as error:
        print(f"devstack: cannot start: {error} (is another server on port {args.port} or {args.aws_port}?)",
              file=sys.stderr, flush=True)
        return 1
    urls = stack.urls
    print(
        "\nTuanstack is running (Ctrl-C to stop)\n"
        f"  GraphQL endpoint   POST {urls.graphql}\n"
        f"  GraphiQL           {urls.graphiql}  (open in a browser)\n"
        f"  Health             {urls.health}\n"
        f"  Emulated AWS       {urls.emulator}  (table {stack.table_name}, region {stack.region})\n",
        flush=True,
    )
    while not stopping.wait(0.5):
        pass
    print("stopping...", flush=True)
    stack.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
