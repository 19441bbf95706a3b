"""CPU per DynamoDB request against the local emulator, client and emulator in one
process (as in the test suite): over loopback HTTP, and handed to the emulator in
process (devstack/in_process.py); each with moto's shape serialiser and with the
emulator's JSON answers for item operations (devstack/fast_responses.py).
Prints figures, asserts nothing.

    .venv/bin/python bench/emulator_transport.py [--requests 3000]

Each configuration runs in a fresh process: routes and patches last a process.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONFIGURATIONS = {
    "http, shape serialiser": (False, False),
    "http, JSON item answers": (False, True),
    "in process, shape serialiser": (True, False),
    "in process, JSON item answers": (True, True),
}


def measure(in_process: bool, fast: bool, requests: int) -> float:
    """CPU milliseconds per request: a put, a get and a 20-item query, in turn."""
    from devstack import fast_responses
    from devstack.asl import Timing
    from devstack.clients import emulator_client
    from devstack.emulator import Emulator
    from devstack.resources import create_resources

    emulator = Emulator().start()
    if not fast:
        fast_responses.uninstall()
    if in_process:
        emulator.route_in_process()
    region, table = "us-east-1", "bench-transport"
    create_resources(emulator.endpoint_url, region, table_name=table, timing=Timing())
    ddb = emulator_client("dynamodb", emulator.endpoint_url, region)
    post = {"title": {"S": "好物分享"}, "likes": {"N": "3"},
            "products": {"L": [{"M": {"id": {"S": f"P{i}"}, "price": {"N": "990"}}} for i in range(3)]}}
    for i in range(20):
        ddb.put_item(TableName=table, Item={"PK": {"S": "FEED"}, "SK": {"S": f"{i:04d}"}, **post})
    started = time.process_time()
    for i in range(requests // 3):
        ddb.put_item(TableName=table, Item={"PK": {"S": f"P#{i}"}, "SK": {"S": "S"}, **post})
        ddb.get_item(TableName=table, Key={"PK": {"S": f"P#{i}"}, "SK": {"S": "S"}})
        ddb.query(TableName=table, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "FEED"}})
    spent = time.process_time() - started
    emulator.stop()
    return 1000 * spent / (3 * (requests // 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--one", choices=CONFIGURATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(f"{measure(*CONFIGURATIONS[args.one], args.requests):.3f}")
        return
    print(f"CPU per request (put, get, 20-item query in turn; {args.requests} requests each):")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    for name in CONFIGURATIONS:
        out = subprocess.run([sys.executable, __file__, "--one", name, "--requests", str(args.requests)],
                             capture_output=True, text=True, check=True, env=env)
        print(f"  {name:32s} {float(out.stdout.strip().splitlines()[-1]):6.3f} ms")


if __name__ == "__main__":
    main()
