"""`python -m devstack.jobs`: run a scheduled job (points, overdue disputes, commission settlement, referral rewards) now, against the
running `make dev` stack.

    python -m devstack.jobs <release-pending|expire|recompute-tiers|overdue-disputes|settle-commissions|reward-referrals>
        [--now 2026-01-01T00:05:00+08:00]
        [--port 8000] [--aws-port 4566] [--lookback-days N] [--years N] [--shard N ...] [--max-users N] [--resume JSON]

The job's own function in app.py is called the way EventBridge calls it (a
"Scheduled Event" whose detail carries `now` and the options), with a stand-in
Lambda context of the deployed timeout, against the emulator of the running stack
(same environment as `python -m devstack`). The summary is printed as JSON on
stdout; logs go to stderr. `--now` defaults to the current time.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import socket
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from devstack import naming
from devstack.context import LambdaContext
from devstack.ports import add_port_options

HOST = "127.0.0.1"
# Job name (as given on the command line) -> its scheduled function in app.py.
JOBS = {
    "release-pending": "release_pending_points",
    "expire": "expire_points",
    "recompute-tiers": "recompute_tiers",
    "overdue-disputes": "count_overdue_disputes",
    "settle-commissions": "settle_commissions",
    "reward-referrals": "reward_referrals",
}
TIMEOUT_SECONDS = 900  # the functions' lambda_timeout in .chalice/config.json


def scheduled_event(now: str, detail: dict[str, Any], region: str = naming.DEFAULT_REGION) -> dict[str, Any]:
    """An EventBridge scheduled event, as Lambda receives it, with an explicit `now`."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": naming.LOCAL_ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [],
        "detail": {**detail, "now": now},
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.jobs", description=__doc__.splitlines()[0])
    parser.add_argument("job", choices=sorted(JOBS))
    parser.add_argument("--now", default=None,
                        help="ISO 8601 time with its zone, e.g. 2026-01-01T00:05:00+08:00 (default: now)")
    add_port_options(parser, api_use="the running stack's API port (not used: jobs talk to the emulated AWS)",
                     aws_use="the running stack's emulated AWS port")
    parser.add_argument("--table", default=naming.DEFAULT_TABLE_NAME, help=argparse.SUPPRESS)
    parser.add_argument("--lookback-days", type=int, help="release-pending: UTC days looked back (default 14)")
    parser.add_argument("--years", type=int, help="expire: years of expiry dates looked at (default 3)")
    parser.add_argument("--shard", type=int, action="append", dest="shards", help="only this shard (repeatable)")
    parser.add_argument("--max-users", type=int, help="stop after this many users")
    parser.add_argument("--resume", type=json.loads, help="recompute-tiers: the resume object a stopped run printed")
    return parser.parse_args(argv)


def detail_of(args: argparse.Namespace) -> dict[str, Any]:
    options = {"lookbackDays": args.lookback_days, "years": args.years, "shards": args.shards,
               "maxUsers": args.max_users, "resume": args.resume}
    return {key: value for key, value in options.items() if value is not None}


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=2):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    now = args.now or datetime.now(UTC).isoformat(timespec="seconds")
    try:
        parsed = datetime.fromisoformat(now)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        print(f"devstack.jobs: --now needs an ISO time with its zone, e.g. 2026-01-01T00:05:00+08:00 (got {now!r})",
              file=sys.stderr)
        return 2
    if not _reachable(args.aws_port):
        print(f"devstack.jobs: nothing listens on {HOST}:{args.aws_port}: start `make dev` first "
              "(or give its --aws-port)", file=sys.stderr)
        return 1

    from devstack.environment import apply_environment, local_environment
    from devstack.project import load_app

    # The app reads its configuration when it is imported: environment first.
    apply_environment(local_environment(f"http://{HOST}:{args.aws_port}", table_name=args.table))
    function = JOBS[args.job]
    context = LambdaContext(function_name=naming.function_name(function),
                            invoked_function_arn=naming.function_arn(function, naming.DEFAULT_REGION),
                            timeout_seconds=TIMEOUT_SECONDS)
    # Logs (JSON lines) and metrics to stderr: stdout is the summary, for scripts and jq.
    detail = detail_of(args)
    with contextlib.redirect_stdout(sys.stderr):
        app = load_app()
        from chalicelib.points.jobs import OPTIONS, job_arguments

        try:
            if args.job in OPTIONS:  # the points jobs' options, checked before the run
                job_arguments(args.job, detail)
        except ValueError as error:
            print(f"devstack.jobs: {error}", file=sys.stderr)
            return 2
        summary = app.handler_map[function](scheduled_event(now, detail), context)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
