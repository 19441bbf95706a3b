"""Cold start: a fresh process that imports `app` and serves its first GraphQL query,
beside a fresh process that only imports chalice, strawberry, pynamodb.models and
boto3. Best and median of several runs each; prints figures, asserts nothing.

    .venv/bin/python bench/cold_start.py [--runs 7]

The emulator and the table live in this (parent) process, so their cost is not
counted; the child talks to them over loopback as a Lambda talks to DynamoDB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import time; t0 = time.perf_counter()
import chalice, strawberry, pynamodb.models, boto3
print(time.perf_counter() - t0)
"""

FIRST_QUERY = """
import time; t0 = time.perf_counter()
import json, app
event = {
    "resource": "/graphql", "path": "/graphql", "httpMethod": "POST",
    "headers": {"content-type": "application/json"}, "multiValueHeaders": {},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None, "isBase64Encoded": False,
    "requestContext": {"resourcePath": "/graphql", "httpMethod": "POST", "requestId": "bench", "stage": "api"},
    "body": json.dumps({"query": "{ categories { name children { name } } }"}),
}
class Context:
    aws_request_id = "bench"; function_name = "tuanstack-APIHandler"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:cn-north-1:000000000000:function:bench"
    def get_remaining_time_in_millis(self): return 30000
response = app.app(event, Context())
elapsed = time.perf_counter() - t0
body = json.loads(response["body"])
assert response["statusCode"] == 200 and body["data"]["categories"], response
print(elapsed)
"""


def _run(code: str, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from devstack.emulator import Emulator
    from devstack.environment import local_environment

    with Emulator() as emulator:
        env = {**os.environ, **local_environment(emulator.endpoint_url)}
        env["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        os.environ.update(env)
        from devstack.resources import create_resources
        from devstack.seed import seed_demo

        create_resources(emulator.endpoint_url, env["AWS_REGION"], table_name=env["TUANSTACK_TABLE"])
        seed_demo()
        bare = [_run(BARE, env) for _ in range(args.runs)]
        first = [_run(FIRST_QUERY, env) for _ in range(args.runs)]

    def ms(values: list[float]) -> str:
        return f"best {min(values) * 1000:6.0f} ms   median {statistics.median(values) * 1000:6.0f} ms"

    print(f"bare import (chalice, strawberry, pynamodb.models, boto3): {ms(bare)}")
    print(f"import app + first GraphQL query (DynamoDB on loopback):  {ms(first)}")
    ratio = min(first) / min(bare)
    print(f"ratio (best/best): {ratio:.2f}x   target <= 1.5x")
    print(json.dumps({"bare_ms": round(min(bare) * 1000), "first_query_ms": round(min(first) * 1000),
                      "ratio": round(ratio, 2), "runs": args.runs}))


if __name__ == "__main__":
    main()
