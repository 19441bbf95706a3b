"""What a paid order adds to the sales counters (issue 14): its merchant's, under its source's kind
(NONE without one), and a post's when a post led to it and the buyer is not its author. Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass

NONE = "NONE"
POST = "POST"
_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


@dataclass(frozen=True, slots=True)
class PaidOrder:
    order_id: str
    buyer_id: str
    merchant_id: str | None  # None: a group-buy order taken before orders kept it (counted for no merchant)
    kind: str  # the attribution's kind, or NONE
    ref: str | None
    amount: int  # fen paid
    currency: str


def sales_kind(attribution: dict | None) -> tuple[str, str | None]:
    """(kind, ref) of an order item's stored attribution (a stream image's map), NONE without one."""
    if not attribution or not attribution.get("kind"):
        return NONE, None
    return str(attribution["kind"]), None if attribution.get("ref") is None else str(attribution["ref"])


def post_id_of(ref: str | None, decode_global_id) -> str | None:
    """The post a POST ref names: its id as stored, or the post's Relay `id` (what a client holds); None
    for anything else (recorded on the order, credited to no post)."""
    if not ref:
        return None
    if _ULID.match(ref):
        return ref
    decoded = decode_global_id(ref)
    if decoded is not None and decoded[0] == "Post" and len(decoded[1]) == 1 and _ULID.match(decoded[1][0]):
        return decoded[1][0]
    return None


def credits_post(author_id: str | None, buyer_id: str) -> bool:
    """A post earns its author nothing from their own purchases (nor a post that no longer exists)."""
    return author_id is not None and author_id != buyer_id
