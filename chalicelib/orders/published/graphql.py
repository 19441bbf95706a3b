"""The one ``Order`` GraphQL type other features return (and extend with their kind's fields)."""
from __future__ import annotations

from chalicelib.orders.graphql.types import Order, OrderConnection, OrderLine, OrderState, order_connection

__all__ = ["Order", "OrderConnection", "OrderLine", "OrderState", "order_connection"]
