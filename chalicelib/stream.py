"""The table's change stream: every feature's handlers, registered by importing them.

Handlers of one item type (an Order: points, purchases, group-buy, fulfilment; a Payment: checkout) are independent of
each other and idempotent, so neither their order nor a redelivery after any
failure matters. See chalicelib/core/stream.py for the routing, and each
feature's stream_handlers.py for what it does.
"""
from __future__ import annotations

import chalicelib.aftersales.stream_handlers
import chalicelib.attribution.stream_handlers
import chalicelib.catalog.stream_handlers
import chalicelib.checkout.stream_handlers
import chalicelib.commission_refunds
import chalicelib.community.stream_handlers
import chalicelib.distribution.stream_handlers
import chalicelib.feeds.stream_handlers
import chalicelib.fulfilment.stream_handlers
import chalicelib.groupbuy.stream_handlers
import chalicelib.pickup_refunds
import chalicelib.points.stream_handlers
import chalicelib.purchases.stream_handlers
import chalicelib.referrals.stream_handlers  # noqa: F401
from chalicelib.core.stream import handle_batch, handle_record

__all__ = ["handle_batch", "handle_record"]
