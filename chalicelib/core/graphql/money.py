"""The Money type every feature returns."""
from __future__ import annotations

import strawberry


@strawberry.type(description="An amount of money in the currency's minor unit (fen for CNY). Never a float.")
class Money:
    amount: int = strawberry.field(description="Minor units: 1999 CNY means ¥19.99.")
    currency: str = strawberry.field(description="ISO 4217 code.")
