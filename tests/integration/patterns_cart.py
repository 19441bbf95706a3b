"""Access patterns of the cart, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.cart import service as cart
from chalicelib.cart import store as cart_store
from chalicelib.cart.published.checkout import add_remove_lines, selected_lines
from chalicelib.core.clock import utc_now
from chalicelib.core.table.transactions import Transaction
from tests.cart.support import customer as _customer
from tests.cart.support import fill_cart as _fill_cart
from tests.cart.support import skus as _skus


def a_customer_s_cart_header_and_lines(emulator, category):
    buyer = _customer()
    _fill_cart(buyer.user_id, _skus(3))
    emulator.clear_log()
    assert len(cart_store.read_lines(buyer.user_id)) == 3
    assert len(selected_lines(buyer.user_id)) == 3
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def products_and_skus_of_a_cart_s_lines(emulator, category):
    pairs = _skus(100)  # two products of 50 SKUs
    emulator.clear_log()
    assert len(cart_store.offers(pairs[:10])) == 10
    assert emulator.dynamodb_operations() == ["BatchGetItem"]
    emulator.clear_log()
    assert all(offer.sku is not None for offer in cart_store.offers(pairs).values())
    assert emulator.dynamodb_operations() == ["BatchGetItem", "BatchGetItem"]


def add_a_sku_to_the_cart(emulator, category):
    buyer = _customer()
    [(product, sku)] = _skus(1)
    emulator.clear_log()
    cart.add(buyer, product, sku, 1, utc_now())
    assert emulator.dynamodb_operations() == ["BatchGetItem", "TransactWriteItems"]
    emulator.clear_log()
    cart.add(buyer, product, sku, 2, utc_now())
    assert emulator.dynamodb_operations() == ["BatchGetItem", "TransactWriteItems", "UpdateItem"]
    assert cart_store.get_line(buyer.user_id, sku).quantity == 3


def change_select_or_remove_cart_lines(emulator, category):
    buyer = _customer()
    pairs = _skus(3)
    _fill_cart(buyer.user_id, pairs)
    emulator.clear_log()
    cart.update(buyer, pairs[0][1], quantity=4, selected=None)
    assert emulator.dynamodb_operations() == ["UpdateItem"]
    emulator.clear_log()
    cart.select(buyer, None, True, False)
    assert emulator.dynamodb_operations() == ["Query", "TransactWriteItems"]
    emulator.clear_log()
    cart.remove(buyer, [pairs[1][1], pairs[2][1]], utc_now())
    assert emulator.dynamodb_operations() == ["Query", "TransactWriteItems"]
    assert cart_store.line_count(buyer.user_id) == 1


def remove_bought_cart_lines_at_checkout(emulator, category):
    buyer = _customer()
    _fill_cart(buyer.user_id, _skus(2))
    bought = selected_lines(buyer.user_id)
    emulator.clear_log()
    tx = Transaction()
    add_remove_lines(tx, buyer.user_id, bought)
    tx.commit()
    assert emulator.dynamodb_operations() == ["TransactWriteItems"]
    assert cart_store.line_count(buyer.user_id) == 0
