"""A signed-in buyer (a token for the API, the principal for setting up through the services) and
the checkout operations of graphql/operations/checkout.graphql."""
from __future__ import annotations

import json
from pathlib import Path

from chalicelib.addresses import service as addresses
from chalicelib.addresses.rules import AddressFields
from chalicelib.cart import service as cart
from chalicelib.catalog import store as catalog_store
from chalicelib.checkout.store import get_payment
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.paging import PageRequest
from chalicelib.coupons.published.checkout import usable_coupons
from chalicelib.orders.store import user_orders_page
from chalicelib.points.published.checkout import get_account
from chalicelib.points.store import post_earn
from tests.checkout.support import Shop
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "checkout.graphql").read_text(encoding="utf-8")
RECIPIENT = "下单收件人"


def op(gql, name: str, variables: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def signed_in(gql, name: str, shop: Shop | None = None, *, quantities: tuple[int, ...] = (),
              points: int = 0) -> tuple[str, Principal]:
    """A customer with a default address, one cart line per quantity and points."""
    token = demo_token(gql, name, "CUSTOMER")
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    principal = Principal(user_id, Role.CUSTOMER)
    addresses.add_address(principal, AddressFields(RECIPIENT, "13800000003", "110000", "110100", "110101", "2 号"),
                          True, utc_now())
    if shop is not None:
        for sku_id, quantity in zip(shop.sku_ids, quantities, strict=False):
            cart.add(principal, shop.product_id, sku_id, quantity, utc_now())
    if points:
        post_earn(user_id, f"test:{name}", points, utc_now())
    return token, principal


def sku_gid(shop: Shop, i: int = 0) -> str:
    return to_global_id("Sku", shop.product_id, shop.sku_ids[i])


def place(gql, token: str, key: str = "place-key-0001", **checkout) -> dict:
    return op(gql, "PlaceOrder", {"input": {"checkout": checkout, "idempotencyKey": key}}, token)["data"]["placeOrder"]


def raw_id(global_id: str, type_name: str) -> str:
    """The table's id: a payment's carries its "P" (its global id does not)."""
    return ("P" if type_name == "Payment" else "") + from_global_id(global_id, type_name)[0]


def everything(shop: Shop, principal: Principal) -> tuple:
    """What placing takes: stock of every SKU, the cart, orders, points, usable coupons."""
    record = catalog_store.product_record(shop.product_id, consistent=True)
    stock = tuple((k.stock.available, k.stock.reserved) for k in record.skus)
    lines = cart.own_cart(principal).line_count
    orders = len(user_orders_page(principal.user_id, PageRequest(50)).items)
    account = get_account(principal.user_id)
    return stock, lines, orders, account.available if account else 0, len(usable_coupons(principal.user_id,
                                                                                           utc_now()))


def payment_state(payment_gid: str) -> str:
    return get_payment(raw_id(payment_gid, "Payment")).state.value
