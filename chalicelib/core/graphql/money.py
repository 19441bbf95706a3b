"""The Money type every feature returns, and the Currency enum inputs take."""
from __future__ import annotations

from enum import Enum

import strawberry

from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.money import CURRENCIES

_NAMES = {"CNY": "Chinese yuan (人民币)", "HKD": "Hong Kong dollar", "USD": "US dollar"}
_MINOR_UNITS = {"CNY": "fen (分)"}

# Built from core/money.py's list, so the enum and what the domain accepts cannot differ.
Currency = described_enum(
    Enum("Currency", {code: code for code in CURRENCIES}),  # type: ignore[arg-type]
    name="Currency",
    description="ISO 4217 code of a currency we price in.",
    values={code: f"{_NAMES[code]}: amounts in {_MINOR_UNITS.get(code, 'cents')}, "
                  f"{10 ** exponent} to one {code}." for code, exponent in CURRENCIES.items()},
)


@strawberry.type(description="An amount of money in the currency's minor unit (fen for CNY). Never a float.")
class Money:
    amount: int = strawberry.field(description="Minor units: 1999 CNY means ¥19.99.")
    currency: Currency = strawberry.field(description="ISO 4217 code.")  # type: ignore[valid-type]
