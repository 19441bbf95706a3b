"""Money is an integer count of the currency's minor unit (分 for CNY). Never a float."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.errors import ValidationFailed

# ISO 4217 codes we price in, with their minor-unit exponent. A currency is added
# here deliberately, not accepted from input, so a typo cannot create a new one.
CURRENCIES: dict[str, int] = {"CNY": 2, "HKD": 2, "USD": 2}
MAX_AMOUNT = 10**12  # ¥10 billion in fen: far above any price, far below int64


def require_whole(value: object, field: str, *, minimum: int = 0, maximum: int = MAX_AMOUNT) -> int:
    """An integer within bounds; bools and floats are refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("must be a whole number", field)
    if value < minimum:
        raise ValidationFailed(f"must be at least {minimum}", field)
    if value > maximum:
        raise ValidationFailed(f"must be at most {maximum}", field)
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str = "CNY"

    @classmethod
    def of(cls, amount: object, currency: str = "CNY", *, amount_field: str = "price",
           currency_field: str = "currency") -> Money:
        """Field names are those of the caller's input, where amount and currency are siblings."""
        require_whole(amount, amount_field)
        if currency not in CURRENCIES:
            raise ValidationFailed(f"unsupported currency {currency!r}", currency_field)
        return cls(amount, currency)  # type: ignore[arg-type]
