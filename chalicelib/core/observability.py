"""Structured logs (JSON, request id, cold start) and business metrics (EMF).

Tracer is left out on purpose: its import costs ~120 ms of cold start (platform
notes) and these handlers spend their time in DynamoDB calls that X-Ray's
service map shows without in-code segments.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "tuanstack"
logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Tuanstack", service=SERVICE)

_cold_start = True


def begin_request(request_id: str) -> None:
    """Tag every log line of this invocation; the first one in a process is the cold start."""
    global _cold_start
    logger.set_correlation_id(request_id)
    logger.append_keys(cold_start=_cold_start)
    _cold_start = False


def count(event: str, value: int = 1) -> None:
    """A business event as an EMF metric (ProductsCreated, UsersSignedUp...)."""
    metrics.add_metric(name=event, unit="Count", value=value)


def flush_metrics() -> None:
    """Emit this invocation's metrics (EMF on stdout), if it recorded any."""
    if metrics.metric_set:
        metrics.flush_metrics()
        # Powertools keeps the set when metrics are disabled: clear it, or a warm
        # process would carry (and later emit) every earlier invocation's metrics.
        metrics.clear_metrics()
