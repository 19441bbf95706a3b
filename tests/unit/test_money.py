"""Money and whole numbers: integers of minor units only, never coerced."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import ErrorCode, ValidationFailed
from chalicelib.core.money import CURRENCIES, MAX_AMOUNT, Money, apportion, require_whole


@pytest.mark.parametrize("amount", [0, 1, 1999, MAX_AMOUNT])
def test_money_of_accepts_whole_amounts_within_bounds(amount):
    money = Money.of(amount)
    assert money == Money(amount, "CNY")
    assert type(money.amount) is int


@pytest.mark.parametrize("currency", sorted(CURRENCIES))
def test_money_of_accepts_every_listed_currency(currency):
    assert Money.of(100, currency) == Money(100, currency)


@pytest.mark.parametrize(
    "amount",
    [True, False, 19.99, 1999.0, float("nan"), float("inf"), "1999", "19.99", None, Decimal("1999"), -1, MAX_AMOUNT + 1],
    ids=repr,
)
def test_money_of_refuses_anything_but_an_int_in_bounds(amount):
    with pytest.raises(ValidationFailed) as caught:
        Money.of(amount)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field is not None and caught.value.field[0] == "price"


@pytest.mark.parametrize("currency", ["EUR", "cny", "", "RMB", "CNY "])
def test_money_of_refuses_unlisted_currencies(currency):
    with pytest.raises(ValidationFailed) as caught:
        Money.of(100, currency)
    assert caught.value.field == ("currency",)


def test_money_of_names_the_fields_it_was_given():
    with pytest.raises(ValidationFailed) as caught:
        Money.of(-5, amount_field="skus.3.price", currency_field="skus.3.currency")
    assert caught.value.field == ("skus", "3", "price")
    with pytest.raises(ValidationFailed) as caught:
        Money.of(5, "EUR", amount_field="skus.3.price", currency_field="skus.3.currency")
    assert caught.value.field == ("skus", "3", "currency")


@pytest.mark.parametrize("value", [0, 7, 100])
def test_require_whole_accepts_ints(value):
    assert require_whole(value, "n", minimum=0, maximum=100) == value


@pytest.mark.parametrize("value", [True, False, 1.0, 0.5, "3", b"3", None, [], Decimal(3)], ids=repr)
def test_require_whole_refuses_non_ints(value):
    with pytest.raises(ValidationFailed) as caught:
        require_whole(value, "quantity")
    assert caught.value.field == ("quantity",)
    assert "whole" in caught.value.message


def test_require_whole_bounds_are_inclusive():
    assert require_whole(-3, "d", minimum=-3, maximum=3) == -3
    assert require_whole(3, "d", minimum=-3, maximum=3) == 3
    with pytest.raises(ValidationFailed, match="at least -3"):
        require_whole(-4, "d", minimum=-3, maximum=3)
    with pytest.raises(ValidationFailed, match="at most 3"):
        require_whole(4, "d", minimum=-3, maximum=3)


def test_require_whole_refuses_negative_by_default():
    with pytest.raises(ValidationFailed):
        require_whole(-1, "price")


def test_require_whole_default_maximum_is_max_amount():
    assert require_whole(MAX_AMOUNT, "price") == MAX_AMOUNT
    with pytest.raises(ValidationFailed):
        require_whole(MAX_AMOUNT + 1, "price")


# ---------------------------------------------------------------- apportion (largest remainder)

def test_apportion_gives_the_left_over_fen_to_the_largest_remainders():
    # 100 over 1:1:1 is 33.33 each: the first (on ties, the earliest) takes the extra fen.
    assert apportion(100, [1, 1, 1]) == [34, 33, 33]
    # 10 off lines of 3000, 2000, 1000: exact parts 5, 3.33, 1.67 → 5, 3, 2.
    assert apportion(10, [3000, 2000, 1000]) == [5, 3, 2]
    assert apportion(0, [5, 0]) == [0, 0]


def test_apportion_refuses_what_it_cannot_split():
    with pytest.raises(ValueError):
        apportion(1, [0, 0])
    with pytest.raises(ValueError):
        apportion(-1, [1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=30).flatmap(
    lambda ws: st.tuples(st.just(ws), st.integers(0, sum(ws)))))
def test_apportion_is_exact_and_never_exceeds_a_weight(case):
    weights, total = case
    shares = apportion(total, weights)
    assert sum(shares) == total
    assert all(0 <= s <= w for s, w in zip(shares, weights, strict=True))
    # Each share is within one fen of its exact proportional part.
    whole = sum(weights) or 1
    assert all(abs(s * whole - total * w) < whole for s, w in zip(shares, weights, strict=True))
