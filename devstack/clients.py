"""boto3 clients for the emulator, built once per (service, endpoint, region).

Building a client loads its service model from disk (≈80 ms each); the local
stack creates resources and polls streams repeatedly, so clients are cached.
boto3 clients are thread-safe once built. Credentials are moto's dummies,
explicit so a developer's AWS profile is never picked up.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import boto3

_lock = threading.Lock()  # boto3 sessions are not thread-safe while building clients


@lru_cache(maxsize=64)
def emulator_client(service: str, endpoint_url: str, region: str) -> Any:
    with _lock:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        return session.client(service, endpoint_url=endpoint_url)
