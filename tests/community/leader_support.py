"""Shared community-leader test values. Numbers are 138 0000 xxxx and places made up."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.community import leaders
from chalicelib.community.rules import Application, LeaderAction
from chalicelib.core.principal import Principal, Role

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
OTHER_OPERATOR = Principal("01J00000000000000000OPER02", Role.OPERATOR)
MERCHANT = Principal("01J0000000000000000000MRCH", Role.MERCHANT)
DISTRICT = "440305"  # 深圳 南山


def customer(n: int) -> Principal:
    return Principal(f"01J0000000000000000CUST{n:02d}", Role.CUSTOMER)


def application(n: int = 0, **changes) -> Application:
    values = {"display_name": f"王姐{n}", "point_name": f"幸福里便利店{n}", "province_code": "440000",
              "city_code": "440300", "district_code": DISTRICT, "detail": f"科技园测试路{n}号底商",
              "opening_hours": "08:00-20:00", "latitude": 22543096, "longitude": "113.934201",
              "contact_mobile": f"1380000{n:04d}"}
    values.update(changes)
    return Application(**values)


def apply(n: int, at: datetime = NOW, **changes):
    return leaders.apply(customer(n), application(n, **changes), at)


def approved(n: int, at: datetime = NOW, **changes):
    """A customer applied and an operator approved them."""
    apply(n, at, **changes)
    return leaders.decide(OPERATOR, customer(n).user_id, LeaderAction.APPROVE, None, at + timedelta(minutes=1))
