"""A paid order of either kind added to what led to it: its merchant's sales by source, and the post's."""
from __future__ import annotations

from datetime import datetime

from chalicelib.attribution import rules, store
from chalicelib.core.errors import DomainError
from chalicelib.core.graphql.ids import parse_global_id
from chalicelib.core.observability import count
from chalicelib.feeds.published.posts import post_author


def _decode(ref: str):
    try:
        return parse_global_id(ref)
    except DomainError:
        return None


def on_paid(order: rules.PaidOrder, now: datetime) -> bool:
    """One TransactWriteItems (a POST-attributed order reads the post's author first: one GetItem)."""
    post_id = rules.post_id_of(order.ref, _decode) if order.kind == rules.POST else None
    if post_id is not None and not rules.credits_post(post_author(post_id), order.buyer_id):
        post_id = None
    added = store.count(order, post_id, now)
    if added:
        count("AttributedOrdersCounted")
    return added
