"""The cart through its service and store, and the interface published for checkout."""
from __future__ import annotations

import pytest

from chalicelib.cart import service, store
from chalicelib.cart.published.checkout import CartChanged, CartLine, add_remove_lines, selected_lines
from chalicelib.cart.rules import CartFull, LineStatus, ProductNotAvailable
from chalicelib.catalog import service as catalog
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import NotFound, Unauthenticated, ValidationFailed
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction
from tests.cart.support import MERCHANT, customer, fill_cart, skus


def _items(user_id: str) -> list[dict]:
    from chalicelib.cart import keys
    return [item.serialize() for item in TableItem.query(keys.cart_pk(user_id), consistent_read=True)]


def test_adding_a_sku_twice_adds_to_its_line_and_keeps_the_first_price():
    buyer = customer()
    [(product, sku)] = skus(1, price=990)
    service.add(buyer, product, sku, 2, utc_now())
    catalog.update_sku(MERCHANT, product, sku, catalog.SkuChanges(price=1090))
    service.add(buyer, product, sku, 3, utc_now())
    [line] = service.own_cart(buyer).lines
    assert (line.line.quantity, line.line.unit_price_when_added, line.unit_price, line.price_changed) == (5, 990, 1090,
                                                                                                          True)
    assert store.line_count(buyer.user_id) == 1


def test_adding_past_99_units_is_refused_and_changes_nothing():
    buyer = customer()
    [(product, sku)] = skus(1)
    service.add(buyer, product, sku, 90, utc_now())
    before = _items(buyer.user_id)
    with pytest.raises(ValidationFailed) as refused:
        service.add(buyer, product, sku, 10, utc_now())
    assert refused.value.field == ("quantity",)
    assert _items(buyer.user_id) == before


def test_a_sku_of_an_archived_product_or_a_missing_sku_is_refused_and_nothing_is_written():
    buyer = customer()
    [(product, sku)] = skus(1)
    catalog.archive_product(MERCHANT, product, utc_now())
    with pytest.raises(ProductNotAvailable) as archived:
        service.add(buyer, product, sku, 1, utc_now())
    with pytest.raises(NotFound) as missing:
        service.add(buyer, product, "01J00000000000000000000000", 1, utc_now())
    assert archived.value.field == missing.value.field == ("skuId",)
    assert _items(buyer.user_id) == []


def test_the_101st_line_is_refused_naming_the_limit():
    buyer = customer()
    pairs = skus(101)
    fill_cart(buyer.user_id, pairs[:100])
    with pytest.raises(CartFull, match="at most 100 lines"):
        service.add(buyer, *pairs[100], 1, utc_now())
    assert store.line_count(buyer.user_id) == 100
    service.add(buyer, *pairs[0], 1, utc_now())  # more of a SKU already in the cart is fine
    assert store.get_line(buyer.user_id, pairs[0][1]).quantity == 2


def test_lines_that_cannot_be_bought_are_flagged_not_dropped():
    from chalicelib.catalog.published.products import SkuItem, product_pk, sku_sk

    buyer = customer()
    archived, gone = skus(1), skus(1)
    for product, sku in archived + gone:
        service.add(buyer, product, sku, 2, utc_now())
    catalog.archive_product(MERCHANT, archived[0][0], utc_now())
    SkuItem(product_pk(gone[0][0]), sku_sk(gone[0][1])).delete()  # the SKU removed from its product
    cart = service.own_cart(buyer)
    assert {v.line.sku_id: v.status for v in cart.lines} == {archived[0][1]: LineStatus.ARCHIVED,
                                                             gone[0][1]: LineStatus.ARCHIVED}
    assert (cart.line_count, cart.selected_line_count, cart.selected_subtotal) == (2, 0, 0)
    assert [v.line_total for v in cart.lines if v.line.sku_id == gone[0][1]] == [None]


def test_stock_states_and_the_selected_subtotal():
    buyer = customer()
    pairs = skus(1, stock=3) + skus(1, stock=3) + skus(1, stock=3)
    for product, sku in pairs:
        service.add(buyer, product, sku, 2, utc_now())
    catalog.set_stock(MERCHANT, *pairs[1], 0)
    catalog.set_stock(MERCHANT, *pairs[2], 1)
    cart = service.own_cart(buyer)
    statuses = {v.line.sku_id: v.status for v in cart.lines}
    assert statuses == {pairs[0][1]: LineStatus.AVAILABLE, pairs[1][1]: LineStatus.OUT_OF_STOCK,
                        pairs[2][1]: LineStatus.INSUFFICIENT_STOCK}
    assert (cart.selected_subtotal, cart.selected_line_count, cart.selected_quantity) == (2000, 1, 2)


def test_update_remove_and_select():
    buyer = customer()
    (p1, s1), (p2, s2), (p3, s3) = skus(3)
    for product, sku in ((p1, s1), (p2, s2), (p3, s3)):
        service.add(buyer, product, sku, 1, utc_now())
    service.update(buyer, s1, quantity=7, selected=False)
    assert (store.get_line(buyer.user_id, s1).quantity, store.get_line(buyer.user_id, s1).selected) == (7, False)
    with pytest.raises(ValidationFailed):
        service.update(buyer, s1, quantity=100, selected=None)
    with pytest.raises(NotFound):
        service.update(buyer, "01J00000000000000000000000", quantity=2, selected=None)

    service.select(buyer, None, True, False)
    assert service.own_cart(buyer, consistent=True).selected_line_count == 0
    service.select(buyer, [s2], False, True)
    assert [line.sku_id for line in selected_lines(buyer.user_id)] == [s2]
    with pytest.raises(NotFound) as absent:
        service.select(buyer, [s3, "01J00000000000000000000000"], False, True)
    assert absent.value.field == ("skuIds", "1")
    assert [line.sku_id for line in selected_lines(buyer.user_id)] == [s2]  # nothing changed

    service.remove(buyer, [s1, s2, "01J00000000000000000000000"], utc_now())
    assert [v.line.sku_id for v in service.own_cart(buyer, consistent=True).lines] == [s3]
    assert store.line_count(buyer.user_id) == 1
    service.remove(buyer, [s1], utc_now())  # again: harmless
    assert store.line_count(buyer.user_id) == 1


def test_removing_all_100_lines_keeps_the_count_exact():
    buyer = customer()
    pairs = skus(100)
    fill_cart(buyer.user_id, pairs)
    service.remove(buyer, [sku for _, sku in pairs], utc_now())  # two transactions: 99 + 1 lines
    assert store.line_count(buyer.user_id) == 0 and store.read_lines(buyer.user_id, consistent=True) == []


def test_signed_out_is_unauthenticated():
    with pytest.raises(Unauthenticated):
        service.own_cart(None)
    with pytest.raises(Unauthenticated):
        service.add(None, "P", "S", 1, utc_now())


# ---------------------------------------------------------------- published for checkout
def test_selected_lines_is_one_query_oldest_first(emulator):
    buyer = customer()
    pairs = skus(3)
    fill_cart(buyer.user_id, pairs, price=990, quantity=2)
    service.update(buyer, pairs[1][1], quantity=None, selected=False)
    emulator.clear_log()
    lines = selected_lines(buyer.user_id)
    assert emulator.dynamodb_counts() == {"Query": 1}
    assert [line.sku_id for line in lines] == [pairs[0][1], pairs[2][1]]
    assert lines[0] == CartLine(sku_id=pairs[0][1], product_id=pairs[0][0], quantity=2, selected=True,
                                unit_price_when_added=990, added_at=lines[0].added_at)


def test_add_remove_lines_deletes_the_bought_lines_in_the_callers_transaction():
    buyer = customer()
    pairs = skus(3)
    fill_cart(buyer.user_id, pairs)
    bought = selected_lines(buyer.user_id)[:2]
    tx = Transaction()
    add_remove_lines(tx, buyer.user_id, bought)
    assert len(tx) == len(bought) + 1  # as its docstring says
    tx.commit()
    assert [line.sku_id for line in store.read_lines(buyer.user_id, consistent=True)] == [pairs[2][1]]
    assert store.line_count(buyer.user_id) == 1
    empty = Transaction()
    add_remove_lines(empty, buyer.user_id, [])
    assert len(empty) == 0


def test_a_line_changed_since_it_was_read_refuses_the_whole_transaction_with_cart_changed():
    buyer = customer()
    pairs = skus(2)
    fill_cart(buyer.user_id, pairs)
    read = selected_lines(buyer.user_id)
    service.update(buyer, read[1].sku_id, quantity=5, selected=None)  # changed after checkout read it
    before = _items(buyer.user_id)
    tx = Transaction()
    add_remove_lines(tx, buyer.user_id, read)
    with pytest.raises(CartChanged) as refused:
        tx.commit()
    assert refused.value.code.value == "CART_CHANGED"
    assert _items(buyer.user_id) == before


def test_a_line_removed_since_it_was_read_refuses_too():
    buyer = customer()
    pairs = skus(1)
    fill_cart(buyer.user_id, pairs)
    read = selected_lines(buyer.user_id)
    service.remove(buyer, [pairs[0][1]], utc_now())
    tx = Transaction()
    add_remove_lines(tx, buyer.user_id, read)
    with pytest.raises(CartChanged):
        tx.commit()
