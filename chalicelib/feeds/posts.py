"""Posts (种草): publish, edit, delete, and the stream hook that pays for them and
moves their discover key.

A publish is validated and screened before anything is read, then costs exactly
two requests: ONE BatchGetItem (the linked products, the author, and for a review
the author's purchase of the product) and ONE TransactWriteItems (the post with the
index keys of its state, its product links, the screening's decision, the author's
post count). A clean post is published at once by the system moderator; a post
with a REVIEW word waits in the review queue; a BLOCK word refuses it and nothing
is stored. Edits are screened again the same way.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.catalog.published.rules import MediaKind, Product, ProductStatus
from chalicelib.core.clock import from_iso
from chalicelib.core.errors import Conflict, ErrorCode, InvalidId, InvalidState, NotFound, Unauthenticated
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.media import configured_media_hosts
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_user
from chalicelib.feeds import drafts, moderation, post_items, rules
from chalicelib.feeds import posts_store as store
from chalicelib.feeds.post_items import PostChanged, PostView, ProductCard
from chalicelib.feeds.posts_store import WriteReads
from chalicelib.feeds.rules import Engagement, ModerationDecision, PostDraft, PostKind, PostState
from chalicelib.points.published import hooks as points_hooks

EDIT_ATTEMPTS = 3
DEFAULT_CURRENCY = "CNY"


class ProductNotAvailable(InvalidState):
    """A linked product exists but is not on sale (a draft or archived)."""

    code = ErrorCode.PRODUCT_NOT_AVAILABLE


def _media_hosts() -> list[str] | None:
    return configured_media_hosts()


def _post_id(post_id: object) -> str:
    if not isinstance(post_id, str) or not is_id(post_id):
        raise InvalidId("not a post id", "postId")
    return post_id


def _sees_every_post(caller: Principal) -> bool:
    """Operators see every post (feeds.graphql.types.visible_post), so they may be told it is not theirs."""
    return caller.role is Role.OPERATOR


def _reviewed(content: rules.PostContent) -> str | None:
    """The product a review is of: its purchase decides the verified badge."""
    return content.product_ids[0] if content.kind is PostKind.REVIEW else None


def _cards(product_ids: tuple[str, ...], found: Mapping[str, Product]) -> tuple[ProductCard, ...]:
    """The feed card's snapshot of each linked product: it must exist and be on sale."""
    cards = []
    for i, product_id in enumerate(product_ids):
        product = found.get(product_id)
        if product is None:
            raise NotFound("no such product", f"productIds.{i}")
        if product.status is not ProductStatus.ACTIVE:
            raise ProductNotAvailable("this product is not on sale", f"productIds.{i}")
        image = next((m.url for m in product.media if m.kind is MediaKind.IMAGE), None)
        cards.append(ProductCard(product.id, product.name, product.price_from, DEFAULT_CURRENCY, image))
    return tuple(cards)


def _author(reads: WriteReads) -> Any:
    if reads.author is None:
        raise Unauthenticated("sign in again")  # a valid token for a user that is gone
    return reads.author


def _screened(post: rules.Post, screening: moderation.Screening, now: datetime, *,
              may_publish: bool = True) -> tuple[rules.Post, ModerationDecision | None]:
    """A clean post is published by the system (with its decision); one holding a
    REVIEW word stays PENDING_REVIEW for a moderator."""
    if screening.needs_review or not may_publish:
        return post, None
    return moderation.system_approval(post, now)


# ---------------------------------------------------------------- publish
def publish(principal: Principal | None, draft: PostDraft, now: datetime) -> PostView:
    caller = require_user(principal)  # any role may post
    content = drafts.validate_post(draft, media_hosts=_media_hosts())
    screening = moderation.screen(moderation.post_fields(content))  # BLOCK: refused before any read
    reads = store.write_reads(content.product_ids, caller.user_id, reviewed_product=_reviewed(content))
    author = _author(reads)
    cards = _cards(content.product_ids, reads.products)
    post = rules.create_post(new_id(), caller.user_id, content, now, verified_purchase=reads.purchased)
    post, decision = _screened(post, screening, now)
    view = PostView(post, author.display_name or "", author.avatar_url, cards)
    store.create(view, decision)
    count("PostsPublished" if post.state is PostState.PUBLISHED else "PostsQueuedForReview")
    return view


# ---------------------------------------------------------------- edit and delete
def edit(principal: Principal | None, post_id: str, draft: PostDraft, now: datetime,
         expected_version: int | None = None) -> PostView:
    """The author's new content, screened again: clean → published again (keeping its
    first publication time, so its place in feeds), REVIEW word → back to the queue.
    A hidden post stays for a moderator whatever the screen says: an edit must not
    escape the reports. ``expected_version``: the version the author edited; if the
    post moved since, Conflict (without it, the edit applies to what is there)."""
    caller = require_user(principal)
    post_id = _post_id(post_id)
    content = drafts.validate_post(draft, media_hosts=_media_hosts())
    screening = moderation.screen(moderation.post_fields(content))
    for _ in range(EDIT_ATTEMPTS):
        reads = store.write_reads(content.product_ids, caller.user_id, reviewed_product=_reviewed(content),
                                  post_id=post_id)
        before = reads.post
        if before is None or before.post.state is PostState.DELETED:
            raise NotFound(rules.NO_SUCH_POST, "postId")
        # Before the version check: a Conflict would tell a stranger the hidden post exists.
        rules.require_author(before.post, caller.user_id, "edit", sees_every_post=_sees_every_post(caller))
        if expected_version is not None and before.version != expected_version:
            raise Conflict("the post was changed meanwhile; read it again and retry", "postId")
        edited = rules.edit_post(before.post, caller.user_id, content, now, verified_purchase=reads.purchased,
                                 sees_every_post=_sees_every_post(caller))
        author = _author(reads)
        cards = _cards(content.product_ids, reads.products)
        after, decision = _screened(edited, screening, now, may_publish=before.post.state is not PostState.HIDDEN)
        view = PostView(after, author.display_name or "", author.avatar_url, cards, None, before.version + 1)
        try:
            store.save_edit(before, view, decision)
        except PostChanged:
            if expected_version is not None:
                raise Conflict("the post was changed meanwhile; read it again and retry", "postId") from None
            continue
        count("PostsEdited")
        return view
    raise Conflict("the post keeps changing; read it again and retry", "postId")


def delete(principal: Principal | None, post_id: str, now: datetime) -> PostView:
    """The author withdraws a post, whatever its state: it leaves every feed and the
    queue in the same transaction, and their post count goes down."""
    caller = require_user(principal)
    post_id = _post_id(post_id)
    for _ in range(EDIT_ATTEMPTS):
        before = store.get_post(post_id, consistent=True)
        if before is None:
            raise NotFound(rules.NO_SUCH_POST, "postId")
        after = rules.delete_post(before.post, caller.user_id, now, sees_every_post=_sees_every_post(caller))
        try:
            store.save_delete(before, after)
        except PostChanged:
            continue
        count("PostsDeleted")
        return replace(before, post=after, version=before.version + 1)
    raise Conflict("the post keeps changing; read it again and retry", "postId")


# ---------------------------------------------------------------- the stream hook
def on_post_changed(new: Mapping[str, Any], old: Mapping[str, Any]) -> int:
    """For the table stream, with a Post item's new and old images (as the stream
    record gives them; either may be empty; numbers are Decimal).

    - The discover key follows the counts (``follow_discover_key``).
    - A post published for the first time earns its author points
      (feeds.rules.earns_post_points: the first approval only, not a re-approval
      after an edit or a report, which keep ``published_at``). The ledger posts
      each post once, so a redelivered record earns nothing twice.

    Returns the points awarded."""
    follow_discover_key(new, old)
    if new.get("type") != "Post" or new.get("state") != PostState.PUBLISHED.value:
        return 0
    if old.get("published_at") or not new.get("published_at"):
        return 0
    published_at = from_iso(str(new["published_at"]))
    return points_hooks.on_post_approved(str(new["author_id"]), str(new["post_id"]), published_at)


def _engagement(image: Mapping[str, Any]) -> Engagement:
    return Engagement(int(image.get("likes") or 0), int(image.get("comments") or 0), int(image.get("shares") or 0))


def follow_discover_key(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """Move a published post's discover key (GSI2SK) to the counts of ``new``.

    Why here and not with the counters: the key is a function of the counts, and
    writing it with them made every like of a hot post conditional on the counts it
    read, so concurrent likes failed each other and retried (50 at once cost 8-12
    transactions each). The counters are now plain ADDs and the key follows here,
    lagging the counts by the stream's latency (about a second); the discover feed
    is a ranking, that lag does not matter to it.

    Only when the post is PUBLISHED and its counts changed in this record (or it
    just entered the feeds), and the key it carries is not the key of its counts.
    The write (feeds.posts_store.set_discover_key) is conditioned on the post still being
    published with exactly these counts: a stale or redelivered record never moves
    the key back (its condition fails and it is skipped; the record of the newer
    counts comes later in the stream). No loop: the record of this write changes no
    count, and carries the key of its counts. Returns whether the key was written."""
    if new.get("type") != "Post" or new.get("state") != PostState.PUBLISHED.value or not new.get("published_at"):
        return False
    engagement = _engagement(new)
    entered = old.get("state") != PostState.PUBLISHED.value
    if not entered and engagement == _engagement(old):
        return False
    post_id, published_at = str(new["post_id"]), from_iso(str(new["published_at"]))
    if new.get("GSI2SK") == post_items.discover_position(engagement, published_at, post_id):
        return False
    return store.set_discover_key(post_id, engagement, published_at)
