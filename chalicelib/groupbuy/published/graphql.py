"""Group-buy GraphQL types other features return: the ``wx.requestPayment`` parameters."""
from __future__ import annotations

from chalicelib.groupbuy.graphql.types import PaymentParams

__all__ = ["PaymentParams"]
