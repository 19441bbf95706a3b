"""Group-buy keys: deals, their stock and buyers, teams and seats, orders."""
from __future__ import annotations

DEAL_SK = "DEAL"
TEAM_SK = "TEAM"
ORDER_SK = "ORDER"
ACTIVE_DEALS = "DEALS#ACTIVE"
REFUND_FAILED_ORDERS = "ORDERS#REFUND_FAILED"


def deal_pk(deal_id: str) -> str:
    return f"DEAL#{deal_id}"


def deal_stock_sk(sku_id: str) -> str:
    return f"STOCK#{sku_id}"


def deal_buyer_sk(user_id: str) -> str:
    return f"BUYER#{user_id}"


def team_pk(team_id: str) -> str:
    return f"TEAM#{team_id}"


def seat_sk(user_id: str) -> str:
    return f"SEAT#{user_id}"


def deal_open_teams(deal_id: str) -> str:
    """GSI1 partition: a deal's open teams, soonest deadline first."""
    return f"DEAL#{deal_id}#OPEN_TEAMS"


def user_teams(user_id: str) -> str:
    """GSI2 partition: the seats a user took, newest first."""
    return f"USER#{user_id}#SEATS"


def order_pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def user_orders(user_id: str) -> str:
    """GSI1 partition: a user's orders, newest first."""
    return f"USER#{user_id}#ORDERS"
