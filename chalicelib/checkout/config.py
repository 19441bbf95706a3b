"""The checkout's terms as deployed: the decided defaults (rules.DEFAULT_TERMS), each one
overridable per stage from the environment (docs/operations.md), read once per container."""
from __future__ import annotations

import os
from dataclasses import fields, replace
from functools import lru_cache

from chalicelib.checkout.rules import DEFAULT_TERMS, CheckoutTerms

# CheckoutTerms field → environment variable
ENVIRONMENT = {
    "shipping_fee": "TUANSTACK_CHECKOUT_SHIPPING_FEE_FEN",
    "free_shipping_from": "TUANSTACK_CHECKOUT_FREE_SHIPPING_FROM_FEN",
    "payment_window_seconds": "TUANSTACK_CHECKOUT_PAYMENT_WINDOW_SECONDS",
    "coupons_stack": "TUANSTACK_CHECKOUT_COUPONS_STACK",
}
SWITCHES = {"true": True, "1": True, "false": False, "0": False}
assert set(ENVIRONMENT) == {f.name for f in fields(CheckoutTerms)}


@lru_cache(maxsize=1)
def checkout_terms() -> CheckoutTerms:
    """Refuses (at the first checkout) a value that is not a whole number in range, rather than
    running with a typo."""
    changes = {}
    for name, variable in ENVIRONMENT.items():
        raw = os.environ.get(variable)
        if raw is None or raw == "":
            continue
        if isinstance(getattr(DEFAULT_TERMS, name), bool):
            if raw.lower() not in SWITCHES:
                raise RuntimeError(f"{variable} must be true or false, not {raw!r}")
            changes[name] = SWITCHES[raw.lower()]
        elif not raw.isdigit():
            raise RuntimeError(f"{variable} must be a whole number, not {raw!r}")
        else:
            changes[name] = int(raw)
    terms = replace(DEFAULT_TERMS, **changes)
    if not 60 <= terms.payment_window_seconds <= 24 * 3600:
        raise RuntimeError("TUANSTACK_CHECKOUT_PAYMENT_WINDOW_SECONDS must be 60 to 86400")
    return terms
