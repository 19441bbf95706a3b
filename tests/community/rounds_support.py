"""Helpers of the sale round tests: principals, a merchant's product, leader items, rounds."""
from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import ProductStatus
from chalicelib.community import keys as leader_keys
from chalicelib.community import rounds
from chalicelib.community.rules_rounds import NewRound, RoundLine
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.models import TableItem

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 12:00 China time
TONIGHT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 23:00 China time
TOMORROW = date(2026, 12, 2)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
OTHER_MERCHANT = Principal("01J0000000000000000000MRC2", Role.MERCHANT)
CUSTOMER = Principal("01J00000000000000000ALICE0", Role.CUSTOMER)


def leader_id(n: int) -> str:
    return f"01J000000000000000000T{n:04d}"


def leader(n: int, state: str = "APPROVED", *, code: str | None = None) -> str:
    """A leader item with only what rounds read of it (``LEADER#<id>`` / ``LEADER``: its id and ``state``),
    and its share code's lookup item when ``code`` is given."""
    connection = TableItem._get_connection()
    connection.put_item(leader_keys.leader_pk(leader_id(n)), leader_keys.LEADER_SK,
                        attributes={"type": {"S": "CommunityLeader"}, "leader_id": {"S": leader_id(n)},
                                    "state": {"S": state}})
    if code is not None:
        connection.put_item(leader_keys.leader_code_pk(code), leader_keys.LEADER_CODE_SK,
                            attributes={"type": {"S": "CommunityLeaderCode"}, "leader_id": {"S": leader_id(n)}})
    return leader_id(n)


def product(owner: Principal = MERCHANT, *, skus: int = 2, price: int = 1000):
    """An active product of ``owner`` with ``skus`` SKUs at ``price`` fen: its (product id, SKU id) pairs."""
    category = catalog.create_category(OPERATOR, f"Fruit {owner.user_id[-4:]}", None)
    record = catalog.create_product(owner, catalog.NewProduct(
        category_id=category.id, name="Mango", status=ProductStatus.ACTIVE,
        skus=tuple(catalog.SkuInput(code=f"C{i}", price=price, stock=5) for i in range(skus))), NOW)
    return [(record.product.id, sku_id) for sku_id in record.product.sku_ids]


def new_round(skus, leaders, *, price: int = 800, cutoff: datetime = TONIGHT, pickup: date = TOMORROW,
              title: str = "周三水果团") -> NewRound:
    return NewRound(title=title, lines=tuple(RoundLine(p, s, price, None, 1000) for p, s in skus),
                    leader_ids=tuple(leaders), cutoff_at=cutoff, pickup_on=pickup)


def open_round(skus, leaders, principal: Principal = MERCHANT, *, now: datetime = NOW, **fields):
    return rounds.open_round(principal, new_round(skus, leaders, **fields), now)
