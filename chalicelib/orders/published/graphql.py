"""The one ``Order`` GraphQL type other features return (and extend with their kind's fields), and the
``source`` input (what led to an order) that placing mutations take."""
from __future__ import annotations

from chalicelib.orders.graphql.attribution import OrderSourceInput, OrderSourceKind, source_of
from chalicelib.orders.graphql.types import Order, OrderConnection, OrderLine, OrderState, order_connection

__all__ = ["Order", "OrderConnection", "OrderLine", "OrderSourceInput", "OrderSourceKind", "OrderState",
           "order_connection", "source_of"]
