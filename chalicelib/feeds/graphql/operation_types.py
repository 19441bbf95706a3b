"""The inputs and payloads of the feed operations, and the moderation-word list's types."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from chalicelib.catalog.published.graphql import MediaKind
from chalicelib.core.graphql.errors import UserError
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.feeds import rules as domain
from chalicelib.feeds.graphql.types import Author, Comment, Post, PostKind, ReportReason
from chalicelib.feeds.moderation import MAX_WORD_LENGTH


@strawberry.input
class PostMediaInput:
    url: str = strawberry.field(description=f"https only, at most {domain.MAX_MEDIA_URL_LENGTH} characters.")
    kind: MediaKind = strawberry.field(default=MediaKind.IMAGE,  # type: ignore[assignment]
                                       description=f"Up to {domain.MAX_IMAGES} images or exactly "
                                                   f"{domain.MAX_VIDEOS} video (VIDEO posts).")


BODY = strawberry.field(description=f"1 to {domain.MAX_BODY_LENGTH} characters; screened for sensitive words.")
TITLE = strawberry.field(default=None, description=f"At most {domain.MAX_TITLE_LENGTH} characters.")
MEDIA = "Images or a video, in order (see PostMediaInput)."
PRODUCTS = f"Up to {domain.MAX_PRODUCTS} `Product` ids on sale; a REVIEW links exactly one."
TAGS = f"Up to {domain.MAX_TAGS} tags of at most {domain.MAX_TAG_LENGTH} characters."
SPONSORED = "Sponsorship disclosure (利益声明): paid for or gifted by a brand."


@strawberry.input
class PublishPostInput:
    kind: PostKind = strawberry.field(description="NOTE, VIDEO or REVIEW; a post keeps its kind.")
    body: str = BODY
    title: str | None = TITLE
    media: list[PostMediaInput] = strawberry.field(default_factory=list, description=MEDIA)
    product_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description=PRODUCTS)
    tags: list[str] = strawberry.field(default_factory=list, description=TAGS)
    sponsored: bool = strawberry.field(default=False, description=SPONSORED)


@strawberry.input(description="The post's new content: every field replaces the old one.")
class EditPostInput:
    post_id: strawberry.ID = strawberry.field(description="The `Post` id (yours).")
    body: str = BODY
    title: str | None = TITLE
    media: list[PostMediaInput] = strawberry.field(default_factory=list, description=MEDIA)
    product_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description=PRODUCTS)
    tags: list[str] = strawberry.field(default_factory=list, description=TAGS)
    sponsored: bool = strawberry.field(default=False, description=SPONSORED)
    expected_version: int | None = strawberry.field(default=None, description="The `version` you edited: refused "
                                                                              "(CONFLICT) if the post changed since.")


@strawberry.input
class PostIdInput:
    post_id: strawberry.ID = strawberry.field(description="The `Post` id.")


@strawberry.input
class AuthorIdInput:
    author_id: strawberry.ID = strawberry.field(description="The `Author` id (a `User` id names the same person).")


@strawberry.input
class CommentInput:
    post_id: strawberry.ID = strawberry.field(description="The `Post` id (a published post).")
    body: str = strawberry.field(description=f"1 to {domain.MAX_COMMENT_LENGTH} characters; screened.")


@strawberry.input
class DeleteCommentInput:
    comment_id: strawberry.ID = strawberry.field(description="The `Comment` id (yours).")


@strawberry.input
class ReportPostInput:
    post_id: strawberry.ID = strawberry.field(description="The `Post` id (a published post).")
    reason: ReportReason = strawberry.field(description="What is wrong with it.")
    note: str | None = strawberry.field(default=None, description=f"Required for OTHER; at most "
                                                                  f"{domain.MAX_REASON_LENGTH} characters.")


@strawberry.input
class ModeratePostInput:
    post_id: strawberry.ID = strawberry.field(description="The `Post` id.")
    reason: str = strawberry.field(description=f"1 to {domain.MAX_REASON_LENGTH} characters; kept in the audit "
                                               "trail, shown to the author on a rejection.")


@strawberry.enum(description="BLOCK refuses text with the word; REVIEW sends the post to the review queue.")
class ModerationWordAction(Enum):
    BLOCK = strawberry.enum_value("BLOCK", description="Text with the word is refused (CONTENT_REJECTED).")
    REVIEW = strawberry.enum_value("REVIEW", description="A post with the word waits in the review queue.")


@strawberry.input
class ModerationWordInput:
    word: str = strawberry.field(description=f"1 to {MAX_WORD_LENGTH} characters; matched ignoring width, case, "
                                             "separators and lookalikes.")
    action: ModerationWordAction = strawberry.field(default=ModerationWordAction.BLOCK,
                                                    description="Ignored by removeModerationWord.")


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
    added_at: datetime


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
