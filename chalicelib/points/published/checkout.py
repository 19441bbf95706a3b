"""Spending points within your transaction (checkout, the mall): the rules, the plan, the writes and their refusals."""
from __future__ import annotations

from chalicelib.points.account_reads import get_account
from chalicelib.points.rules import UNLIMITED, InsufficientPoints, PointsBusy, check_redemption, checkout_source
from chalicelib.points.rules_store import get_rules
from chalicelib.points.store import LotsChanged, add_spend, plan_take, reverse, spend

__all__ = [
    "LotsChanged",
    "InsufficientPoints",
    "PointsBusy",
    "UNLIMITED",
    "add_spend",
    "check_redemption",
    "get_account",
    "checkout_source",
    "get_rules",
    "plan_take",
    "reverse",
    "spend",
]
