"""A merchant with a token and a shop, buyers with paid regular orders, and the operations of
graphql/operations/fulfilment.graphql."""
from __future__ import annotations

import json
from pathlib import Path

from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import ProductStatus
from chalicelib.checkout import paying
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.principal import Principal, Role
from tests.checkout.orders_support import place, raw_id, signed_in
from tests.checkout.support import OPERATOR, Shop, captured
from tests.conftest import demo_token

OPERATIONS = (Path(__file__).parents[2] / "graphql" / "operations" / "fulfilment.graphql").read_text(encoding="utf-8")


def fop(gql, name: str, variables: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = gql._client.http.post("/graphql", headers=headers, body=json.dumps(
        {"query": OPERATIONS, "operationName": name, "variables": variables}))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def merchant_shop(gql, name: str, *, skus: int = 1, price: int = 6000, stock: int = 50) -> tuple[str, Shop]:
    token = demo_token(gql, name, "MERCHANT")
    (user_id,) = from_global_id(gql("{ me { id } }", token=token)["data"]["me"]["id"], "User")
    merchant = Principal(user_id, Role.MERCHANT)
    category = catalog.create_category(OPERATOR, "Fruit", None)
    record = catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Mango", status=ProductStatus.ACTIVE,
        skus=tuple(catalog.SkuInput(code=f"M{i}", price=price, stock=stock) for i in range(skus))), utc_now())
    return token, Shop(merchant, record.product.id, [s.id for s in record.skus])


def paid_orders(gql, shop: Shop, buyer_name: str, count: int = 1) -> tuple[str, Principal, list[str]]:
    """``count`` paid regular orders (one checkout each) of one buyer: their global ids, newest first."""
    token, buyer = signed_in(gql, buyer_name, shop, quantities=(1,))
    ids = []
    for n in range(count):
        placed = place(gql, token, key=f"{buyer_name}-order-{n:04d}",
                       buyNow={"skuId": _sku(shop), "quantity": 1})
        assert placed["errors"] == [], placed
        payment = raw_id(placed["payment"]["id"], "Payment")
        total = sum(int(o["total"]["amount"]) for o in placed["orders"])
        assert paying.apply_payment_event(captured(payment, total, utc_now()), utc_now()) == "applied"
        ids.append(placed["orders"][0]["id"])
    return token, buyer, list(reversed(ids))


def _sku(shop: Shop) -> str:
    from chalicelib.core.graphql.ids import to_global_id

    return to_global_id("Sku", shop.product_id, shop.sku_ids[0])


def ship(gql, token: str, order_id: str, carrier: str = "SF", tracking_no: str = "SF1234567890") -> dict:
    return fop(gql, "ShipOrder", {"input": {"orderId": order_id, "carrier": carrier, "trackingNo": tracking_no}},
               token)["data"]["shipOrder"]


def sales(gql, token: str, **variables) -> dict:
    return fop(gql, "SalesOrders", variables, token)["data"]["me"]["salesOrders"]
