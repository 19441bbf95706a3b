"""The items of content feeds (种草) in the single table. Keys come from ``keys.py``.

**Visibility is an index property** (as for products): only a PUBLISHED post and its
product links carry the feed index keys (author feed GSI1, discover GSI2, product
feed GSI1 on the links). A post waiting for a moderator carries the review queue's
GSI1 keys instead. A state change rewrites the keys in the same transaction, so a
rejected, removed, hidden or deleted post cannot appear in any index-backed feed.
Following-feed entries are copies; they are deleted by the stream consumer when the
post stops being visible and skipped at read time until then.

**Snapshots.** A post carries what a feed card shows of its author (name, avatar)
and of each linked product (name, lowest price, image) as of publication or the
last edit, so a page of posts needs no further reads. The snapshot of a product is
refreshed when the post is edited; a product that is no longer active is shown as
unavailable by the reader (its id is kept).
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from chalicelib.core.table.models import TableItem


class ProductSnapshot(MapAttribute):
    product_id = UnicodeAttribute()
    name = UnicodeAttribute()
    price_from = NumberAttribute(null=True)  # fen, the lowest SKU price; null if unknown
    currency = UnicodeAttribute(default="CNY")
    image_url = UnicodeAttribute(null=True)


class MediaMap(MapAttribute):
    url = UnicodeAttribute()
    kind = UnicodeAttribute()


class PostItem(TableItem, discriminator="Post"):
    post_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute(default="")
    author_avatar_url = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    media = ListAttribute(of=MediaMap, default=list)
    product_ids = ListAttribute(default=list)  # of str, in the author's order
    products = ListAttribute(of=ProductSnapshot, default=list)
    tags = ListAttribute(default=list)
    sponsored = BooleanAttribute(default=False)
    state = UnicodeAttribute()
    verified_purchase = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    published_at = UnicodeAttribute(null=True)
    likes = NumberAttribute(default=0)
    comments = NumberAttribute(default=0)
    shares = NumberAttribute(default=0)
    open_reports = NumberAttribute(default=0)
    rejection_reason = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)


class PostLinkItem(TableItem, discriminator="PostLink"):
    """A post's link to one product; indexed (GSI1, product feed) only while the post is visible."""

    post_id = UnicodeAttribute()
    product_id = UnicodeAttribute()


class LikeItem(TableItem, discriminator="Like"):
    user_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class CommentItem(TableItem, discriminator="Comment"):
    comment_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute(default="")
    body = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ReportItem(TableItem, discriminator="Report"):
    reporter_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class DecisionItem(TableItem, discriminator="ModerationDecision"):
    """Audit: every moderation decision, automatic ones included, kept with the post."""

    decision_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    moderator_id = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    from_state = UnicodeAttribute()
    to_state = UnicodeAttribute()
    at = UnicodeAttribute()


class FollowItem(TableItem, discriminator="Follow"):
    """``FOLLOW#<follower>`` / ``FOLLOWING#<author>``; GSI1 lists an author's followers."""

    follower_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ProfileItem(TableItem, discriminator="Profile"):
    """An author's public counters, beside the user item (``USER#<id>`` / ``PROFILE``)."""

    followers = NumberAttribute(default=0)
    following = NumberAttribute(default=0)
    posts = NumberAttribute(default=0)
    # Sticky once set: posts written while big were never pushed, so readers must keep pulling.
    big_author = BooleanAttribute(default=False)


class FeedEntryItem(TableItem, discriminator="FeedEntry"):
    """A post pushed into a reader's following feed (``FEED#<reader>`` / ``ENTRY#<position>``)."""

    post_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    ttl = NumberAttribute(null=True)  # old entries age out of the table


class FeedPullsItem(TableItem, discriminator="FeedPulls"):
    """The big authors a reader follows, whose posts are merged in at read time."""

    authors = UnicodeSetAttribute(default=set)


class ModerationWordItem(TableItem, discriminator="ModerationWord"):
    """``CONFIG#MODERATION_WORDS`` / ``WORD#<word>``: BLOCK refuses the text; REVIEW
    publishes it to the review queue instead of the feeds."""

    word = UnicodeAttribute()
    action = UnicodeAttribute(default="BLOCK")
    added_by = UnicodeAttribute()
    added_at = UnicodeAttribute()
