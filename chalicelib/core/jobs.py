"""What every scheduled job (an EventBridge schedule, or `make job` locally) reads from its event the same way."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.core.clock import accept
from chalicelib.core.errors import ValidationFailed


def scheduled_now(job: str, event_time: str, detail: Mapping[str, Any], options: Iterable[str]) -> datetime:
    """The instant a run acts at: the event's time unless its detail carries a ``now`` (an on-demand run);
    ValueError (the run fails, loudly) for an option the job does not know or a ``now`` without its zone."""
    unknown = set(detail) - {"now", *options}
    if unknown:
        raise ValueError(f"unknown options for {job}: {sorted(unknown)}")
    try:
        return accept(str(detail.get("now") or event_time), "now")
    except ValidationFailed as refused:
        raise ValueError(f"now: {refused.message}") from None
