"""Cart rules: limits, a line's status and price flag, the selected subtotal."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.cart import rules
from chalicelib.cart.rules import CartLine, LineStatus, Offer
from chalicelib.catalog.rules import Product, ProductStatus, Sku, Stock
from chalicelib.core.errors import ErrorCode, ValidationFailed
from chalicelib.core.money import Money

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _line(sku: str = "S1", quantity: int = 2, *, selected: bool = True, price_when_added: int = 1000,
          added_at: datetime = T0) -> CartLine:
    return CartLine(sku_id=sku, product_id="P1", quantity=quantity, selected=selected,
                    unit_price_when_added=price_when_added, added_at=added_at)


def _offer(status: ProductStatus | None = ProductStatus.ACTIVE, *, price: int = 1000, available: int = 10,
           sku: bool = True) -> Offer:
    product = None if status is None else Product(id="P1", merchant_id="M", category_id="C", name="Mango",
                                                   status=status)
    found = Sku(id="S1", product_id="P1", code="M", price=Money(price), stock=Stock(available=available)) if sku else None
    return Offer(product=product, sku=found)


@pytest.mark.parametrize("quantity", [1, 50, 99])
def test_quantities_from_1_to_99_are_accepted(quantity):
    assert rules.check_quantity(quantity, "quantity") == quantity


@pytest.mark.parametrize("quantity", [0, -1, 100, True, 2.0])
def test_other_quantities_are_refused_with_the_field(quantity):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_quantity(quantity, "quantity")
    assert refused.value.field == ("quantity",)


def test_adding_to_a_line_stays_within_99():
    rules.check_added_quantity(90, 9, "quantity")
    with pytest.raises(ValidationFailed, match="this one has 90"):
        rules.check_added_quantity(90, 10, "quantity")


def test_the_limits_are_100_lines_and_99_units():
    assert (rules.MAX_LINES, rules.MIN_QUANTITY, rules.MAX_QUANTITY) == (100, 1, 99)
    assert rules.CartFull("x").code is ErrorCode.CART_FULL
    assert rules.CartChanged("x").code is ErrorCode.CART_CHANGED


@pytest.mark.parametrize(("offer", "quantity", "status"), [
    (_offer(), 2, LineStatus.AVAILABLE),
    (_offer(available=2), 2, LineStatus.AVAILABLE),
    (_offer(available=0), 2, LineStatus.OUT_OF_STOCK),
    (_offer(available=1), 2, LineStatus.INSUFFICIENT_STOCK),
    (_offer(ProductStatus.ARCHIVED), 2, LineStatus.ARCHIVED),
    (_offer(ProductStatus.DRAFT), 2, LineStatus.ARCHIVED),
    (_offer(None), 2, LineStatus.ARCHIVED),
    (_offer(sku=False), 2, LineStatus.ARCHIVED),
    (_offer(ProductStatus.ARCHIVED, available=0), 2, LineStatus.ARCHIVED),
])
def test_a_lines_status(offer, quantity, status):
    assert rules.line_status(offer, quantity) is status


def test_a_price_change_is_flagged_and_the_total_uses_the_current_price():
    viewed = rules.view_line(_line(quantity=3, price_when_added=1000), _offer(price=1200))
    assert (viewed.price_changed, viewed.unit_price, viewed.line_total) == (True, 1200, 3600)
    same = rules.view_line(_line(price_when_added=1000), _offer(price=1000))
    assert same.price_changed is False


def test_a_line_whose_sku_is_gone_has_no_price_and_no_change_flag():
    viewed = rules.view_line(_line(), _offer(sku=False))
    assert (viewed.unit_price, viewed.line_total, viewed.price_changed) == (None, None, False)


def test_the_subtotal_counts_selected_lines_that_can_be_bought_and_lines_come_newest_first():
    later = datetime(2026, 12, 2, tzinfo=UTC)
    summary = rules.summarise([
        rules.view_line(_line("A", 2), _offer(price=500)),  # 1000, counted
        rules.view_line(_line("B", 1, added_at=later), _offer(price=300)),  # 300, counted
        rules.view_line(_line("C", 1, selected=False), _offer(price=700)),  # not selected
        rules.view_line(_line("D", 5), _offer(available=2)),  # insufficient stock
        rules.view_line(_line("E", 1), _offer(ProductStatus.ARCHIVED)),  # archived
    ])
    assert (summary.selected_subtotal, summary.selected_line_count, summary.selected_quantity) == (1300, 2, 3)
    assert summary.line_count == 5
    assert summary.lines[0].line.sku_id == "B"
