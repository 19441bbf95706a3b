"""The after-payment terms every order kind follows (issue 12), decided defaults each overridable
per stage from the environment (docs/operations.md), read once per container. Tests and the
local stack shorten them (seconds, not days) so the real timers run in seconds.

- auto_complete: a shipped order completes by itself this long after shipping (10 days);
- no_reason_return: after completion, a return needs no reason this long (七天无理由, 7 days);
- quality_return: after completion, a return or refund with a quality reason, this long (15 days);
- decision: a merchant approves or rejects an after-sales request within this (48 h), or it is approved;
- send_back: an approved return is sent back within this (7 days), or the request closes;
- receipt: the merchant confirms a returned parcel within this (7 days), or it is confirmed;
- pickup_collect: an order for pickup (社区团购自提) waits at the leader's point this long after its batch is
  delivered there (3 days): its complete_by.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from functools import lru_cache

DAY = 24 * 3600


@dataclass(frozen=True, slots=True)
class OrderTerms:
    auto_complete_seconds: int = 10 * DAY
    no_reason_return_seconds: int = 7 * DAY
    quality_return_seconds: int = 15 * DAY
    decision_seconds: int = 2 * DAY
    send_back_seconds: int = 7 * DAY
    receipt_seconds: int = 7 * DAY
    pickup_collect_seconds: int = 3 * DAY

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365 * DAY:
                raise ValueError(f"{f.name} must be 1 to {365 * DAY} seconds")
        if self.quality_return_seconds < self.no_reason_return_seconds:
            raise ValueError("quality_return_seconds must not be shorter than no_reason_return_seconds")


DEFAULT_TERMS = OrderTerms()
PREFIX = "TUANSTACK_ORDERS_"  # + the field name in capitals, e.g. TUANSTACK_ORDERS_AUTO_COMPLETE_SECONDS


def variable(name: str) -> str:
    return PREFIX + name.upper()


@lru_cache(maxsize=1)
def order_terms() -> OrderTerms:
    """Refuses (at first use) a value that is not a whole number of seconds in range, rather than
    running with a typo."""
    changes = {}
    for f in fields(OrderTerms):
        raw = os.environ.get(variable(f.name))
        if raw is None or raw == "":
            continue
        if not raw.isdigit():
            raise RuntimeError(f"{variable(f.name)} must be a whole number of seconds, not {raw!r}")
        changes[f.name] = int(raw)
    try:
        return replace(DEFAULT_TERMS, **changes)
    except ValueError as error:
        raise RuntimeError(f"{PREFIX}*: {error}") from error
