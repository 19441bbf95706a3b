"""Posts in the single table: the mapping between ``PostItem`` and the domain, the
batch read every feed ends with, and the writes of a post's life (publish, edit,
delete, moderate, engagement counters).

A post's partition ``POST#<id>`` holds the post (``POST``), its product links
(``LINK#<product>``), likes, comments, reports and moderation decisions.

**Visibility is an index property.** Only a PUBLISHED post carries the author-feed
(GSI1) and discover (GSI2) keys, and only its links carry the product-feed keys
(GSI1); a post waiting for a moderator (PENDING_REVIEW, HIDDEN) carries the review
queue's GSI1 keys instead; any other state carries none. Every state change writes
the keys in the same transaction as the state, so no query can see a post its
state hides.

**Concurrency.** Author and moderator writes are optimistic on ``version``.
Engagement counters do not move the version (a like must not make a moderator's
decision fail) and are not optimistic at all: a like is ``ADD likes 1`` if the post
is published, so concurrent likes never fail each other (see ``engagement_update``).

**The discover key follows the counts through the table stream.** GSI2SK is a
function of the counts (feeds.rules.discover_sort_key), but it is not written with
them: a hot post's key would make every engagement write conditional on the counts
it read, and 50 concurrent likes would cost 8-12 transactions each. The stream
consumer sets it instead (``set_discover_key``, called by
feeds.posts.on_post_changed), so the key lags the counts by the stream's
latency, about a second. Entering the feeds (publish, approve) still writes the key
with the state.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.published import users as accounts_keys
from chalicelib.accounts.published.users import UserItem, to_user
from chalicelib.catalog.published import products as catalog_keys
from chalicelib.catalog.published.products import ProductItem, to_product
from chalicelib.catalog.published.rules import Product
from chalicelib.core.clock import iso
from chalicelib.core.ids import new_id
from chalicelib.core.principal import User
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.feeds import keys
from chalicelib.feeds.models import DecisionItem, MediaMap, PostItem, PostLinkItem, ProfileItem
from chalicelib.feeds.post_items import (
    PostChanged,
    PostView,
    discover_position,
    index_keys,
    index_slot,
    link_index_keys,
    snapshot_map,
    to_decision,
    to_post_view,
)
from chalicelib.feeds.rules import Engagement, ModerationDecision, Post, PostState

QUEUED_STATES = frozenset({PostState.PENDING_REVIEW, PostState.HIDDEN})  # wait in the review queue


# ---------------------------------------------------------------- items
def _post_item(view: PostView) -> PostItem:
    post, content = view.post, view.post.content
    index = index_keys(post)
    return PostItem(
        keys.post_pk(post.id), keys.POST_SK,
        post_id=post.id, author_id=post.author_id, author_name=view.author_name,
        author_avatar_url=view.author_avatar_url, kind=content.kind.value, title=content.title, body=content.body,
        media=[MediaMap(url=m.url, kind=m.kind.value) for m in content.media],
        product_ids=list(content.product_ids), products=[snapshot_map(c) for c in view.products],
        tags=list(content.tags), sponsored=content.sponsored, state=post.state.value,
        verified_purchase=post.verified_purchase, created_at=iso(post.created_at), updated_at=iso(post.updated_at),
        published_at=iso(post.published_at) if post.published_at else None,
        likes=post.engagement.likes, comments=post.engagement.comments, shares=post.engagement.shares,
        open_reports=post.open_reports, rejection_reason=view.rejection_reason, version=view.version,
        GSI1PK=index.gsi1pk, GSI1SK=index.gsi1sk, GSI2PK=index.gsi2pk, GSI2SK=index.gsi2sk,
    )


def _post_ref(post_id: str) -> PostItem:
    return PostItem(keys.post_pk(post_id), keys.POST_SK)


def _link_item(post: Post, product_id: str) -> PostLinkItem:
    gsi_pk, gsi_sk = link_index_keys(post, product_id)
    return PostLinkItem(keys.post_pk(post.id), keys.post_link_sk(product_id), post_id=post.id,
                        product_id=product_id, GSI1PK=gsi_pk, GSI1SK=gsi_sk)


def _decision_item(decision: ModerationDecision) -> DecisionItem:
    decision_id = new_id()
    return DecisionItem(
        keys.post_pk(decision.post_id), keys.decision_sk(decision_id),
        decision_id=decision_id, post_id=decision.post_id, moderator_id=decision.moderator_id,
        action=decision.action.value, reason=decision.reason, from_state=decision.from_state.value,
        to_state=decision.to_state.value, at=iso(decision.at),
    )


def _profile_ref(user_id: str) -> ProfileItem:
    return ProfileItem(accounts_keys.user_pk(user_id), keys.PROFILE_SK)


def profile_counter(tx: Transaction, label: str, user_id: str, attribute: Any, delta: int) -> None:
    """Move one of a profile's counters; the update creates the profile if absent
    (with its type, so it reads back as a ProfileItem)."""
    tx.update(label, _profile_ref(user_id), [attribute.add(delta), ProfileItem.type.set(ProfileItem)])


# ---------------------------------------------------------------- reads
def get_post(post_id: str, *, consistent: bool = False) -> PostView | None:
    try:
        return to_post_view(PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=consistent))
    except DoesNotExist:
        return None


def posts_by_id(post_ids: Iterable[str]) -> dict[str, PostView]:
    """Posts by id, in batches of 100 (one request for a page of up to 100); absent ids are left out."""
    found = batch_get((keys.post_pk(i), keys.POST_SK) for i in post_ids)
    return {item.post_id: to_post_view(item) for item in found if isinstance(item, PostItem)}


def review_queue(limit: int | PageRequest, after: str | None = None) -> Page[PostView]:
    """Posts waiting for a moderator (screened for review, or hidden by reports),
    oldest first: one Query. A position is a post's place in the queue."""
    return query_page(TableItem.gsi1, keys.MODERATION_QUEUE, limit, after, forward=True,
                      kinds=PostItem).map(to_post_view)


def decisions(post_id: str) -> list[ModerationDecision]:
    """A post's audit trail, oldest first: one Query over its partition's decisions."""
    query = TableItem.query(keys.post_pk(post_id), TableItem.SK.startswith(keys.DECISION_PREFIX),
                            consistent_read=True)
    found = [to_decision(i) for i in query if isinstance(i, DecisionItem)]
    return sorted(found, key=lambda d: d.at)  # ULIDs of one millisecond need not sort; the time does


# ---------------------------------------------------------------- publish
def create(view: PostView, decision: ModerationDecision | None) -> None:
    """ONE transaction: the post (with the index keys of its state), its product
    links, the screening's decision when it published the post, and the author's
    profile counter when it is published at once (``published_count_change``)."""
    post = view.post
    tx = Transaction()
    tx.put("post", _post_item(view), TableItem.PK.does_not_exist())
    for product_id in post.content.product_ids:
        tx.put(f"link:{product_id}", _link_item(post, product_id))
    if decision is not None:
        tx.put("decision", _decision_item(decision))
    if post.state is PostState.PUBLISHED:
        profile_counter(tx, "profile", post.author_id, ProfileItem.posts, 1)
    tx.commit()


# ---------------------------------------------------------------- state changes
def _index_actions(before: Post, after: Post) -> list[Any]:
    """Index keys change only when the post moves between feeds, queue and nowhere.

    A post that stays published keeps its keys untouched: its discover key belongs
    to the stream consumer (``set_discover_key``), which may have moved it since
    this post was read."""
    if index_slot(before.state) == index_slot(after.state):
        return []
    index = index_keys(after)
    return [PostItem.GSI1PK.set(index.gsi1pk), PostItem.GSI1SK.set(index.gsi1sk),
            PostItem.GSI2PK.set(index.gsi2pk), PostItem.GSI2SK.set(index.gsi2sk)]  # set(None) removes


def published_count_change(before: PostState, after: PostState) -> int:
    """How a move changes the author's public post count: it counts PUBLISHED posts
    only, like their feed (``Author.posts``); a post in review, hidden, rejected,
    removed or deleted is not shown to readers, so neither is its count."""
    return (after is PostState.PUBLISHED) - (before is PostState.PUBLISHED)


def _link_writes(tx: Transaction, before: Post, after: Post) -> None:
    """Links follow the post: removed products' links deleted, new ones put, kept
    ones re-keyed when the post enters or leaves the feeds."""
    old, new = before.content.product_ids, after.content.product_ids
    for product_id in old:
        if product_id not in new:
            tx.delete(f"link:{product_id}", PostLinkItem(keys.post_pk(after.id), keys.post_link_sk(product_id)))
    visibility_changed = (before.state is PostState.PUBLISHED) != (after.state is PostState.PUBLISHED)
    for product_id in new:
        if product_id not in old:
            tx.put(f"link:{product_id}", _link_item(after, product_id))
        elif visibility_changed:
            gsi_pk, gsi_sk = link_index_keys(after, product_id)
            tx.update(f"link:{product_id}",
                      PostLinkItem(keys.post_pk(after.id), keys.post_link_sk(product_id)),
                      [PostLinkItem.GSI1PK.set(gsi_pk), PostLinkItem.GSI1SK.set(gsi_sk)])


def _counts_unchanged(engagement: Engagement) -> Any:
    return ((PostItem.likes == engagement.likes) & (PostItem.comments == engagement.comments)
            & (PostItem.shares == engagement.shares))


def add_transition(tx: Transaction, before: PostView, after: Post, *, decision: ModerationDecision | None = None,
                   rejection_reason: str | None = None, extra_actions: Sequence[Any] = (),
                   condition: Any = None, label: str = "post") -> None:
    """Add to ``tx`` a post's move from ``before`` to ``after``: state, times, index
    keys, links and the decision for the audit trail; the version moves on.

    ``condition`` defaults to the version read. A post entering the feeds is also
    conditioned on the counts its discover key is computed from."""
    previous = before.post
    actions: list[Any] = [
        PostItem.state.set(after.state.value),
        PostItem.updated_at.set(iso(after.updated_at)),
        PostItem.version.set(before.version + 1),
        PostItem.rejection_reason.set(rejection_reason),
        *_index_actions(previous, after),
        *extra_actions,
    ]
    if after.published_at != previous.published_at:
        actions.append(PostItem.published_at.set(iso(after.published_at) if after.published_at else None))
    if after.open_reports != previous.open_reports:
        actions.append(PostItem.open_reports.set(after.open_reports))
    if condition is None:
        condition = PostItem.version == before.version
    if after.state is PostState.PUBLISHED and previous.state is not PostState.PUBLISHED:
        condition = condition & _counts_unchanged(previous.engagement)
    tx.update(label, _post_ref(after.id), actions, condition)
    _link_writes(tx, previous, after)
    if delta := published_count_change(previous.state, after.state):
        profile_counter(tx, "profile", after.author_id, ProfileItem.posts, delta)
    if decision is not None:
        tx.put("decision", _decision_item(decision))


def _commit(tx: Transaction, label: str = "post") -> None:
    try:
        tx.commit()
    except TransactionCancelled as error:
        if label in error.failed:
            raise PostChanged() from error
        raise


def save_transition(before: PostView, after: Post, decision: ModerationDecision | None, *,
                    rejection_reason: str | None = None) -> None:
    """A moderator's (or the screening's) decision: ONE transaction. PostChanged if
    the post moved since ``before`` was read."""
    tx = Transaction()
    add_transition(tx, before, after, decision=decision, rejection_reason=rejection_reason)
    _commit(tx)


def save_delete(before: PostView, after: Post) -> None:
    """The author's delete: DELETED, every index key gone from the post and its
    links, the author's post count down if it was published, in ONE transaction."""
    tx = Transaction()
    add_transition(tx, before, after, rejection_reason=before.rejection_reason)
    _commit(tx)


def save_edit(before: PostView, after: PostView, decision: ModerationDecision | None) -> None:
    """The author's new content with refreshed snapshots, the state screening gave
    it, links rewritten for a new product set: ONE transaction, optimistic on the
    version."""
    post, content = after.post, after.post.content
    content_actions = [
        PostItem.title.set(content.title),
        PostItem.body.set(content.body),
        PostItem.media.set([MediaMap(url=m.url, kind=m.kind.value) for m in content.media]),
        PostItem.product_ids.set(list(content.product_ids)),
        PostItem.products.set([snapshot_map(c) for c in after.products]),
        PostItem.tags.set(list(content.tags)),
        PostItem.sponsored.set(content.sponsored),
        PostItem.verified_purchase.set(post.verified_purchase),
        PostItem.author_name.set(after.author_name),
        PostItem.author_avatar_url.set(after.author_avatar_url),
    ]
    tx = Transaction()
    add_transition(tx, before, post, decision=decision, rejection_reason=after.rejection_reason,
                   extra_actions=content_actions)
    _commit(tx)


# ---------------------------------------------------------------- engagement counters
def engagement_update(tx: Transaction, post_id: str, *, likes: int = 0, comments: int = 0, shares: int = 0,
                      require_published: bool = True, label: str = "post") -> None:
    """Add to ``tx`` the counters' change: a plain ADD, conditioned only on the post
    being published (``require_published``) or on it existing (a comment's author
    takes it back whatever the state). No condition on the counts and no discover
    key: concurrent engagement never fails each other's condition, the counts stay
    exact because ADD is atomic and the per-reader item (like, comment) is put or
    deleted in the same transaction, and the key follows through the stream
    (``set_discover_key``)."""
    actions = [attr.add(delta) for attr, delta in
               ((PostItem.likes, likes), (PostItem.comments, comments), (PostItem.shares, shares)) if delta]
    condition = (PostItem.state == PostState.PUBLISHED.value) if require_published else TableItem.PK.exists()
    tx.update(label, _post_ref(post_id), actions, condition)


def share(post_id: str) -> PostView | None:
    """ONE UpdateItem: shares + 1 if the post is published, returning the post as
    the write left it (ALL_NEW). None if it is not published (or does not exist):
    nothing is written."""
    item = _post_ref(post_id)
    if not update_if(item, [PostItem.shares.add(1)], PostItem.state == PostState.PUBLISHED.value):
        return None
    return to_post_view(item)


def _count_is(attribute: Any, value: int) -> Any:
    # An item written without a counter (ADD creates it) has an absent attribute for 0.
    return (attribute == value) | attribute.does_not_exist() if value == 0 else attribute == value


def set_discover_key(post_id: str, engagement: Engagement, published_at: datetime) -> bool:
    """ONE UpdateItem, for the stream consumer: GSI2SK = the discover position of
    ``engagement``, only while the post is PUBLISHED with exactly these counts.

    The condition makes the write safe against stale and redelivered records: the
    key written is always the key of the counts stored beside it. If the counts
    moved on (or the post left the feeds) nothing is written and False returned:
    the record of the newer counts, later in the stream, sets their key.

    The key only rises: a post whose likes are withdrawn keeps its place. A falling
    key would let a reader paging down the discover feed meet a post twice."""
    position = discover_position(engagement, published_at, post_id)
    condition = ((PostItem.state == PostState.PUBLISHED.value) & _count_is(PostItem.likes, engagement.likes)
                 & _count_is(PostItem.comments, engagement.comments) & _count_is(PostItem.shares, engagement.shares)
                 & (PostItem.GSI2SK < position))
    return update_if(_post_ref(post_id), [PostItem.GSI2SK.set(position)], condition)


# ---------------------------------------------------------------- the read before a publish or an edit
@dataclass(frozen=True, slots=True)
class WriteReads:
    """What one BatchGetItem found for a publish or an edit."""

    products: dict[str, Product]
    author: User | None
    purchased: bool  # the author paid for the reviewed product (and did not refund it)
    post: PostView | None = None  # the post being edited


def write_reads(product_ids: Sequence[str], author_id: str, *, reviewed_product: str | None = None,
                post_id: str | None = None) -> WriteReads:
    """ONE BatchGetItem: the linked products (at most 9), the author's user item, the
    author's purchase of the reviewed product, and for an edit the post itself."""
    from chalicelib.purchases.published import is_purchase, purchase_key

    wanted = [(catalog_keys.product_pk(p), catalog_keys.PRODUCT_SK) for p in product_ids]
    wanted.append((accounts_keys.user_pk(author_id), accounts_keys.USER_SK))
    if reviewed_product is not None:
        wanted.append(purchase_key(author_id, reviewed_product))
    if post_id is not None:
        wanted.append((keys.post_pk(post_id), keys.POST_SK))
    products: dict[str, Any] = {}
    author, purchased, post = None, False, None
    for item in batch_get(wanted):
        if isinstance(item, ProductItem):
            products[item.product_id] = to_product(item)
        elif isinstance(item, UserItem):
            author = to_user(item)
        elif isinstance(item, PostItem):
            post = to_post_view(item)
        elif is_purchase(item):
            purchased = True
    return WriteReads(products, author, purchased, post)
