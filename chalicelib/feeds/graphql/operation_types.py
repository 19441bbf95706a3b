"""The inputs and payloads of the feed operations, and the moderation-word list's types."""
from __future__ import annotations

from enum import Enum

import strawberry

from chalicelib.catalog.published.graphql import MediaKind
from chalicelib.core.graphql.errors import UserError
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.feeds.graphql.types import Author, Comment, Post, PostKind, ReportReason


@strawberry.input
class PostMediaInput:
    url: str = strawberry.field(description="https only.")
    kind: MediaKind = MediaKind.IMAGE  # type: ignore[assignment]


@strawberry.input
class PublishPostInput:
    kind: PostKind
    body: str
    title: str | None = None
    media: list[PostMediaInput] = strawberry.field(default_factory=list)
    product_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="Up to 9 products.")
    tags: list[str] = strawberry.field(default_factory=list)
    sponsored: bool = strawberry.field(default=False, description="Sponsorship disclosure (利益声明).")


@strawberry.input
class EditPostInput:
    post_id: strawberry.ID
    body: str
    title: str | None = None
    media: list[PostMediaInput] = strawberry.field(default_factory=list)
    product_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    tags: list[str] = strawberry.field(default_factory=list)
    sponsored: bool = False
    expected_version: int | None = strawberry.field(default=None, description="Refuse if the post changed since.")


@strawberry.input
class PostIdInput:
    post_id: strawberry.ID


@strawberry.input
class AuthorIdInput:
    author_id: strawberry.ID


@strawberry.input
class CommentInput:
    post_id: strawberry.ID
    body: str


@strawberry.input
class DeleteCommentInput:
    comment_id: strawberry.ID


@strawberry.input
class ReportPostInput:
    post_id: strawberry.ID
    reason: ReportReason
    note: str | None = strawberry.field(default=None, description="Required for OTHER.")


@strawberry.input
class ModeratePostInput:
    post_id: strawberry.ID
    reason: str = strawberry.field(description="Kept in the audit trail; shown to the author on a rejection.")


@strawberry.enum(description="BLOCK refuses text with the word; REVIEW sends the post to the review queue.")
class ModerationWordAction(Enum):
    BLOCK = "BLOCK"
    REVIEW = "REVIEW"


@strawberry.input
class ModerationWordInput:
    word: str
    action: ModerationWordAction = ModerationWordAction.BLOCK


@strawberry.type
class PostPayload:
    post: Post | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LikePayload:
    post: Post | None = None
    liked: bool | None = None
    changed: bool | None = strawberry.field(default=None, description="False: it was so already (no error).")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CommentPayload:
    comment: Comment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletedPayload:
    deleted: bool | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReportPayload:
    counted: bool | None = strawberry.field(default=None, description="False: you had reported it already.")
    hidden: bool | None = strawberry.field(default=None, description="Your report hid it until a moderator decides.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class FollowPayload:
    following: bool | None = None
    changed: bool | None = None
    author: Author | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ModerationWord:
    word: str
    action: ModerationWordAction
    added_at: str


@strawberry.type
class ModerationWordPayload:
    word: ModerationWord | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ModerationWordEdge:
    node: ModerationWord
    cursor: str


@strawberry.type
class ModerationWordConnection:
    edges: list[ModerationWordEdge]
    page_info: PageInfo
