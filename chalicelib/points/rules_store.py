"""The operators' points rules in the table (``CONFIG#POINTS_RULES`` / ``RULES``), cached a minute per
container: every earning and every points page needs them; the ledger (store.py) does not."""
from __future__ import annotations

import time
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import iso
from chalicelib.points import rules
from chalicelib.points.keys import RULES_PK, RULES_SK
from chalicelib.points.models import PointsRulesItem

RULES_TTL_SECONDS = 60.0
_cached_rules: tuple[float, rules.PointsRules] | None = None


def get_rules() -> rules.PointsRules:
    """The stored rules, or domain.md's defaults when none were stored. Read at most
    once a minute per container (one GetItem): every earning and every points page
    needs them, and an operator's change may take a minute to reach all containers."""
    global _cached_rules
    if _cached_rules is not None and time.monotonic() - _cached_rules[0] < RULES_TTL_SECONDS:
        return _cached_rules[1]
    try:
        value = rules.PointsRules.from_dict(PointsRulesItem.get(RULES_PK, RULES_SK, consistent_read=True).rules)
    except DoesNotExist:
        value = rules.DEFAULT_RULES
    _cached_rules = (time.monotonic(), value)
    return value


def forget_cached_rules() -> None:
    global _cached_rules
    _cached_rules = None


def put_rules(value: rules.PointsRules, now: datetime) -> None:
    PointsRulesItem(RULES_PK, RULES_SK, rules=value.to_dict(), updated_at=iso(now)).save()
    forget_cached_rules()
