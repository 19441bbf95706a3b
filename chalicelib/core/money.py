"""Money is an integer count of the currency's minor unit (分 for CNY). Never a float."""
from __future__ import annotations

from collections.abc import Sequence
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


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` (fen) over ``weights`` in proportion, exactly: the shares sum to
    ``total`` (largest remainder: each share is the floor of its exact part, and the fen
    left over go one each to the largest remainders, earlier first on ties). With
    ``0 ≤ total ≤ sum(weights)`` no share exceeds its weight, so a discount spread over
    lines never makes a line negative, and refunding one line refunds exactly its part."""
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("apportion a non-negative total over non-negative weights")
    whole = sum(weights)
    if total == 0:
        return [0] * len(weights)
    if whole == 0:
        raise ValueError("cannot apportion a positive total over zero weights")
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: -remainders[i])[:left]:
        shares[i] += 1
    return shares
