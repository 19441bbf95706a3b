"""Content feed types (种草): Post, its product cards, Author profiles, Comment, and
the feeds as connections. A post carries snapshots of its author and products, so a
page of posts renders without further reads."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import strawberry

import chalicelib.feeds.graphql.loaders  # noqa: F401  # registers this feature's request loaders
from chalicelib.catalog.published.graphql import Media, Product, visible_product
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import BOTH_WAYS, After, Before, First, Last, PageInfo, page_request
from chalicelib.core.graphql.relay import Node
from chalicelib.core.principal import Role
from chalicelib.core.table.paging import Page
from chalicelib.feeds import rules as domain
from chalicelib.feeds.feed_store import FeedPage
from chalicelib.feeds.post_items import PostView, ProductCard

PostKind = described_enum(domain.PostKind, name="PostKind", description="What a post is; it keeps its kind.", values={
    domain.PostKind.NOTE: f"Text with up to {domain.MAX_IMAGES} images.",
    domain.PostKind.VIDEO: "Text with exactly one video.",
    domain.PostKind.REVIEW: "A review of exactly one product (买家秀), images or one video; a verified purchase "
                            "if you paid for it.",
})
PostState = described_enum(
    domain.PostState, name="PostState",
    description="Only PUBLISHED posts appear in feeds; authors see their own in any state but DELETED.", values={
        domain.PostState.PENDING_REVIEW: "Waiting for a moderator (a word under review, or edited).",
        domain.PostState.PUBLISHED: "In the feeds, open to likes, comments and shares.",
        domain.PostState.HIDDEN: "Reported by enough readers; out of the feeds until a moderator decides.",
        domain.PostState.REJECTED: "Refused by a moderator; `rejectionReason` says why.",
        domain.PostState.REMOVED: "Taken down by a moderator after publication.",
        domain.PostState.DELETED: "Withdrawn by its author; gone for everyone.",
    })
ReportReason = described_enum(domain.ReportReason, name="ReportReason", description="Why a reader reports a post.", values={
    domain.ReportReason.SPAM: "Spam or repeated content.",
    domain.ReportReason.UNDISCLOSED_ADVERTISING: "Advertising without the sponsorship disclosure (利益声明).",
    domain.ReportReason.FALSE_CLAIMS: "False or exaggerated claims (虚假宣传).",
    domain.ReportReason.OFFENSIVE: "Offensive or abusive.",
    domain.ReportReason.ILLEGAL: "Illegal content or goods.",
    domain.ReportReason.INFRINGEMENT: "Copied content or counterfeit goods (侵权).",
    domain.ReportReason.PRIVACY: "Shows someone's personal information.",
    domain.ReportReason.OTHER: "Something else: say what in `note`.",
})
ModerationAction = described_enum(domain.ModerationAction, name="ModerationAction",
    description="What a moderation decision did.", values={
    domain.ModerationAction.APPROVE: "Published (screening passed, or a moderator approved).",
    domain.ModerationAction.REJECT: "Refused before publication.",
    domain.ModerationAction.REMOVE: "Taken down.",
    domain.ModerationAction.HIDE: "Hidden by readers' reports until a moderator decides.",
})
ModerationActor = described_enum(
    domain.ModerationActor, name="ModerationActor",
    description="Who made a moderation decision: a role, never a person.", values={
        domain.ModerationActor.SYSTEM: "The automatic screen or the report threshold.",
        domain.ModerationActor.MODERATOR: "A staff moderator.",
    })


@strawberry.type(description="A product linked from a post, as it was when the post was last written.")
class PostProduct:
    card: strawberry.Private[ProductCard]

    @strawberry.field
    def product_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Product", self.card.product_id))

    @strawberry.field
    def name(self) -> str:
        return self.card.name

    @strawberry.field(description="The lowest SKU price when the post was written.")
    def price_from(self) -> Money | None:
        if self.card.price_from is None:
            return None
        return Money(amount=self.card.price_from, currency=self.card.currency)

    @strawberry.field
    def image_url(self) -> str | None:
        return self.card.image_url

    @strawberry.field(description="The product now (null if no longer on sale); one batched read per page.")
    async def product(self, info: Ctx) -> Product | None:
        return await visible_product(info, self.card.product_id)


@strawberry.type(description="A moderation decision on a post (the audit trail).")
class ModerationDecision:
    action: ModerationAction
    reason: str
    decided_by: ModerationActor = strawberry.field(description="The role that decided, never the person.")
    moderator_id: str | None = strawberry.field(
        description="Operators only: the moderator's user id, or 'system'. Null for the post's author: a "
                    "staff member's identity is not shown to the people they moderate.")
    from_state: PostState
    to_state: PostState
    at: datetime


@strawberry.type(description="A 种草 post: a note, a video or a review, linking up to 9 products.")
class Post(Node):
    view: strawberry.Private[PostView]

    @property
    def _post(self) -> domain.Post:
        return self.view.post

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Post", self._post.id))

    @strawberry.field
    def kind(self) -> PostKind:
        return self._post.content.kind

    @strawberry.field
    def title(self) -> str | None:
        return self._post.content.title

    @strawberry.field
    def body(self) -> str:
        return self._post.content.body

    @strawberry.field
    def media(self) -> list[Media]:
        return [Media(url=m.url, kind=m.kind) for m in self._post.content.media]

    @strawberry.field
    def tags(self) -> list[str]:
        return list(self._post.content.tags)

    @strawberry.field(description="Sponsorship disclosure (利益声明): paid for or gifted by a brand.")
    def sponsored(self) -> bool:
        return self._post.content.sponsored

    @strawberry.field(description="A review by someone who paid for the product.")
    def verified_purchase(self) -> bool:
        return self._post.verified_purchase

    @strawberry.field
    def state(self) -> PostState:
        return self._post.state

    @strawberry.field(description="Why the screen or a moderator refused it (the author sees this).")
    def rejection_reason(self) -> str | None:
        return self.view.rejection_reason

    @strawberry.field(description="Its author: the same `Author` object (and id) everywhere they appear.")
    def author(self) -> Author:
        return Author(user_id=self._post.author_id, shown_name=self.view.author_name,
                      shown_avatar=self.view.author_avatar_url)

    @strawberry.field
    def products(self) -> list[PostProduct]:
        return [PostProduct(card=c) for c in self.view.products]

    @strawberry.field(description="Whether you like it (false when signed out); one batched read per page.")
    async def liked_by_me(self, info: Ctx) -> bool:
        principal = info.context.principal
        if principal is None:
            return False
        return await info.context.loaders.liked.load((principal.user_id, self._post.id))

    @strawberry.field
    def like_count(self) -> int:
        return self._post.engagement.likes

    @strawberry.field
    def comment_count(self) -> int:
        return self._post.engagement.comments

    @strawberry.field
    def share_count(self) -> int:
        return self._post.engagement.shares

    @strawberry.field
    def created_at(self) -> datetime:
        return self._post.created_at

    @strawberry.field(description="First publication; feeds are ordered by it.")
    def published_at(self) -> datetime | None:
        return self._post.published_at

    @strawberry.field(description="Revision number: pass it to editPost to refuse an edit over someone else's.")
    def version(self) -> int:
        return self.view.version

    @strawberry.field(description="Newest first." + BOTH_WAYS)
    def comments(self, first: First = None, after: After = None, last: Last = None,
                 before: Before = None) -> CommentConnection | None:
        from chalicelib.feeds import social

        scope = f"comments:{self._post.id}"
        page = social.comments_page(self._post.id, page_request(scope, first, after, last, before))
        return connection(CommentConnection, CommentEdge, scope, page, Comment.of)

    @strawberry.field(description="Every moderation decision on this post, oldest first: for operators and the "
                                  "post's author; null for anyone else.")
    def decisions(self, info: Ctx) -> list[ModerationDecision] | None:
        from chalicelib.feeds import moderation

        principal = info.context.principal
        if principal is None or (principal.role is not Role.OPERATOR and principal.user_id != self._post.author_id):
            return None
        operator = principal.role is Role.OPERATOR
        return [ModerationDecision(action=d.action, reason=d.reason, decided_by=domain.decided_by(d.moderator_id),
                                   moderator_id=d.moderator_id if operator else None,
                                   from_state=d.from_state, to_state=d.to_state, at=d.at)
                for d in moderation.decisions(principal, self._post.id)]


@strawberry.type(description="A comment on a post.")
class Comment(Node):
    id: strawberry.ID
    body: str
    author_name: str = strawberry.field(description="The author's name when they commented.")
    author_id: strawberry.ID = strawberry.field(description="The author's `Author` id (the same as `author { id }`).")
    created_at: datetime
    stored_author: strawberry.Private[tuple[str, str]]  # (user id, name when they commented)

    @strawberry.field
    def author(self) -> Author:
        user_id, name = self.stored_author
        return Author(user_id=user_id, shown_name=name)

    @classmethod
    def of(cls, stored) -> Comment:
        c = stored.comment
        return cls(id=strawberry.ID(to_global_id("Comment", c.post_id, c.id)), body=c.body,
                   author_name=stored.author_name, author_id=strawberry.ID(to_global_id("Author", c.author_id)),
                   created_at=c.created_at, stored_author=(c.author_id, stored.author_name))


@strawberry.type
class CommentEdge:
    node: Comment
    cursor: str


@strawberry.type
class CommentConnection:
    edges: list[CommentEdge]
    page_info: PageInfo


@strawberry.type(description="A post and the feed's position after it: paging may resume after any edge.")
class PostEdge:
    node: Post
    cursor: str


@strawberry.type
class PostConnection:
    edges: list[PostEdge]
    page_info: PageInfo


END_OF_FEED = ""  # the position of a last page's edges: paging on from it gives an empty page


def feed_connection(scope: str, first: int | None, after: str | None,
                    read: Callable[..., FeedPage | Page], last: int | None = None,
                    before: str | None = None) -> PostConnection:
    """A feed page as a connection: ``read(page size, position)`` is the service; for
    a feed that pages backwards, ``read(backward PageRequest, None)`` too."""
    request = page_request(scope, first, after, last, before)
    if request.backward:
        return post_connection(scope, read(request, None), None)
    size, position = request.size, request.after
    if after is not None and position == END_OF_FEED:
        return connection(PostConnection, PostEdge, scope, Page([], False, after=END_OF_FEED), Post)
    return post_connection(scope, read(size, position), position)


def post_connection(scope: str, page: FeedPage | Page, after: str | None) -> PostConnection:
    """Every edge carries the feed's position after its own post (for the merged
    following feed a composite one), so paging may resume after any edge."""
    if isinstance(page, FeedPage):
        page = Page(page.posts, page.has_more, list(page.positions), page.position, after)
    return connection(PostConnection, PostEdge, scope, page, lambda v: Post(view=v))


@strawberry.type(description="A person's public profile: who they are, their counters, their posts. One object "
                             "per person: `Post.author`, `Comment.author` and `author(id:)` give the same `Author` id.")
class Author(Node):
    user_id: strawberry.Private[str]
    # On a post or a comment, the name and avatar it was written under: a feed page
    # reads no profile unless a counter is asked for, and then one BatchGetItem for
    # all its authors (the request's "profiles" loader).
    shown_name: strawberry.Private[str | None] = None
    shown_avatar: strawberry.Private[str | None] = None
    loaded: strawberry.Private[object | None] = None  # feeds.social_store.Profile, when already read

    async def _profile(self, info: Ctx):
        if self.loaded is None:
            self.loaded = await info.context.loaders.profiles.load(self.user_id)
        return self.loaded

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Author", self.user_id))

    @strawberry.field(description="Their name (on a post or comment: as it was written under).")
    async def display_name(self, info: Ctx) -> str:
        if self.shown_name is not None:
            return self.shown_name
        profile = await self._profile(info)
        return profile.user.display_name if profile else ""

    @strawberry.field
    async def avatar_url(self, info: Ctx) -> str | None:
        if self.shown_name is not None:
            return self.shown_avatar
        profile = await self._profile(info)
        return profile.user.avatar_url if profile else None

    @strawberry.field
    async def follower_count(self, info: Ctx) -> int:
        profile = await self._profile(info)
        return profile.followers if profile else 0

    @strawberry.field
    async def following_count(self, info: Ctx) -> int:
        profile = await self._profile(info)
        return profile.following if profile else 0

    @strawberry.field(description="Their published posts.")
    async def post_count(self, info: Ctx) -> int:
        profile = await self._profile(info)
        return profile.posts if profile else 0

    @strawberry.field(description="Whether you follow them (false when signed out).")
    def followed_by_me(self, info: Ctx) -> bool:
        from chalicelib.feeds import social

        principal = info.context.principal
        if principal is None or principal.user_id == self.user_id:
            return False
        return social.is_following(principal, self.user_id)

    @strawberry.field(description="Their published posts, newest first: one request a page." + BOTH_WAYS)
    def posts(self, first: First = None, after: After = None, last: Last = None,
              before: Before = None) -> PostConnection | None:
        from chalicelib.feeds import reading as feeds

        author = self.user_id
        return feed_connection(f"author:{author}", first, after, lambda n, at: feeds.author_feed(author, n, at),
                               last, before)


def visible_post(info: Ctx, post_id: str) -> Post | None:
    """A post its reader may see: published, or their own, or any to an operator."""
    from chalicelib.feeds import posts_store

    view = posts_store.get_post(post_id)
    if view is None:
        return None
    principal = info.context.principal
    viewer = principal.user_id if principal else None
    if domain.can_view(view.post, viewer) or (principal is not None and principal.role is Role.OPERATOR):
        return Post(view=view)
    return None
