"""Content feed queries and mutations, mixed into Query and Mutation. Resolvers translate and call a service."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.catalog.published.rules import Media as DomainMedia
from chalicelib.core.clock import utc_now
from chalicelib.core.errors import InvalidId
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import payload_errors
from chalicelib.core.graphql.ids import from_global_id, parse_global_id
from chalicelib.core.graphql.pagination import BOTH_WAYS, FORWARD_ONLY, After, Before, First, Last, page_request
from chalicelib.core.graphql.relay import node_resolver
from chalicelib.feeds import rules as domain
from chalicelib.feeds.graphql.operation_types import (
    AuthorIdInput,
    CommentInput,
    CommentPayload,
    DeleteCommentInput,
    DeletedPayload,
    EditPostInput,
    FollowPayload,
    LikePayload,
    ModeratePostInput,
    ModerationWord,
    ModerationWordAction,
    ModerationWordConnection,
    ModerationWordEdge,
    ModerationWordInput,
    ModerationWordPayload,
    PostIdInput,
    PostPayload,
    PublishPostInput,
    ReportPayload,
    ReportPostInput,
)
from chalicelib.feeds.graphql.types import (
    Author,
    Comment,
    Post,
    PostConnection,
    feed_connection,
    post_connection,
    visible_post,
)

# The `input` argument of each mutation, described for a code generator.
AuthorIdArgument = Annotated[AuthorIdInput, strawberry.argument(description="The author.")]
CommentArgument = Annotated[CommentInput, strawberry.argument(description="The post and your comment.")]
DeleteCommentArgument = Annotated[DeleteCommentInput, strawberry.argument(description="Your comment.")]
EditPostArgument = Annotated[EditPostInput, strawberry.argument(description="Your post and its new content.")]
ModeratePostArgument = Annotated[ModeratePostInput, strawberry.argument(description="The post and the reason.")]
ModerationWordArgument = Annotated[ModerationWordInput, strawberry.argument(
    description="The word (and, to add it, its action).")]
PostIdArgument = Annotated[PostIdInput, strawberry.argument(description="The post.")]
PublishPostArgument = Annotated[PublishPostInput, strawberry.argument(description="The post's content.")]
ReportPostArgument = Annotated[ReportPostInput, strawberry.argument(description="The post and why.")]


# ---------------------------------------------------------------- translation
def _draft(kind: domain.PostKind, input) -> domain.PostDraft:
    products = tuple(from_global_id(p, "Product", f"productIds.{i}")[0] for i, p in enumerate(input.product_ids))
    return domain.PostDraft(kind=kind, body=input.body, title=input.title,
                            media=tuple(DomainMedia(m.url, m.kind) for m in input.media), product_ids=products,
                            tags=tuple(input.tags), sponsored=input.sponsored)


def _post_id(gid: strawberry.ID) -> str:
    return from_global_id(gid, "Post", "postId")[0]


def _person(gid: strawberry.ID, field: str) -> str:
    """A person named by their `Author` id (or, the same person, their `User` id)."""
    type_name, parts = parse_global_id(gid, field)
    if type_name not in ("Author", "User") or len(parts) != 1:
        raise InvalidId("this id does not name an author", field)
    return parts[0]


def _author_id(gid: strawberry.ID) -> str:
    return _person(gid, "authorId")


def _author(user_id: str) -> Author | None:
    from chalicelib.feeds import social

    profile = social.profile(user_id)
    return Author(user_id=user_id, loaded=profile) if profile else None


def _word(listed) -> ModerationWord:
    return ModerationWord(word=listed.word, action=ModerationWordAction(listed.action.value),
                          added_at=listed.added_at)


@node_resolver("Post")
def _post_node(info: Ctx, parts: tuple[str, ...]) -> Post | None:
    return visible_post(info, parts[0])


@node_resolver("Author")
def _author_node(info: Ctx, parts: tuple[str, ...]) -> Author | None:
    return _author(parts[0])


@node_resolver("Comment", parts=2)
def _comment_node(info: Ctx, parts: tuple[str, ...]) -> Comment | None:
    """A comment, to whoever may see its post."""
    from chalicelib.feeds import social

    post_id, comment_id = parts
    if visible_post(info, post_id) is None:
        return None
    stored = social.comment_by_id(post_id, comment_id)
    return Comment.of(stored) if stored is not None else None


# ---------------------------------------------------------------- queries
@strawberry.type
class FeedQuery:
    @strawberry.field(description="A post: published ones to anyone, your own in any state.")
    def post(self, info: Ctx, id: Annotated[strawberry.ID, strawberry.argument(description="The `Post` id.")]) -> Post | None:
        return visible_post(info, _post_id(id))

    @strawberry.field(description="Posts of the authors you follow, newest first (signed in)." + FORWARD_ONLY
                                  + " It merges several sources, so no single index range pages backwards.")
    def following_feed(self, info: Ctx, first: First = None, after: After = None) -> PostConnection | None:
        from chalicelib.feeds import reading as feeds

        caller = info.context.principal  # the service refuses a signed-out reader
        return feed_connection(f"following:{caller.user_id if caller else ''}", first, after,
                               lambda n, at: feeds.following_feed(caller, n, at))

    @strawberry.field(description="Posts ranked by engagement with time decay (see docs/decisions.md)."
                                  + FORWARD_ONLY + " A score that rises moves a post between pages.")
    def discover_feed(self, first: First = None, after: After = None) -> PostConnection | None:
        from chalicelib.feeds import reading as feeds

        return feed_connection("discover", first, after, feeds.discover_feed)

    @strawberry.field(description="Published posts linking a product, newest first (for its product page)."
                                  + BOTH_WAYS)
    def product_posts(self, product_id: Annotated[strawberry.ID, strawberry.argument(
            description="The `Product` id.")], first: First = None, after: After = None, last: Last = None,
                      before: Before = None) -> PostConnection | None:
        from chalicelib.feeds import reading as feeds

        (product,) = from_global_id(product_id, "Product", "productId")
        return feed_connection(f"product-posts:{product}", first, after,
                               lambda n, at: feeds.product_feed(product, n, at), last, before)

    @strawberry.field(description="A person's public profile with their posts.")
    def author(self, id: Annotated[strawberry.ID, strawberry.argument(
            description="The `Author` id (a `User` id names the same person).")]) -> Author | None:
        return _author(_person(id, "id"))

    @strawberry.field(description="Operators: posts flagged by the screen or hidden by reports, oldest first."
                                  + BOTH_WAYS)
    def review_queue(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                     before: Before = None) -> PostConnection | None:
        from chalicelib.feeds import moderation

        scope = "review-queue"
        return post_connection(scope, moderation.review_queue_page(
            info.context.principal, page_request(scope, first, after, last, before)), None)

    @strawberry.field(description="Operators: the sensitive-word list, in key order." + BOTH_WAYS)
    def moderation_words(self, info: Ctx, first: First = None, after: After = None, last: Last = None,
                         before: Before = None) -> ModerationWordConnection | None:
        from chalicelib.feeds import moderation

        scope = "moderation-words"
        page = moderation.words_page(info.context.principal, page_request(scope, first, after, last, before))
        return connection(ModerationWordConnection, ModerationWordEdge, scope, page, _word)


# ---------------------------------------------------------------- mutations
@strawberry.type
class FeedMutation:
    @strawberry.mutation(description="Publish a post. Screened: a banned word refuses it (CONTENT_REJECTED), "
                                     "a word under review sends it to the review queue.")
    @payload_errors(PostPayload)
    def publish_post(self, info: Ctx, input: PublishPostArgument) -> PostPayload | None:
        from chalicelib.feeds import posts

        return PostPayload(post=Post(view=posts.publish(info.context.principal, _draft(input.kind, input),
                                                        utc_now())))

    @strawberry.mutation(description="Edit your post; it is screened again.")
    @payload_errors(PostPayload)
    def edit_post(self, info: Ctx, input: EditPostArgument) -> PostPayload | None:
        from chalicelib.feeds import posts, posts_store

        post_id = _post_id(input.post_id)
        current = posts_store.get_post(post_id)
        kind = current.post.content.kind if current else domain.PostKind.NOTE
        view = posts.edit(info.context.principal, post_id, _draft(kind, input), utc_now(), input.expected_version)
        return PostPayload(post=Post(view=view))

    @strawberry.mutation(description="Withdraw your post from every feed.")
    @payload_errors(PostPayload)
    def delete_post(self, info: Ctx, input: PostIdArgument) -> PostPayload | None:
        from chalicelib.feeds import posts

        return PostPayload(post=Post(view=posts.delete(info.context.principal, _post_id(input.post_id), utc_now())))

    @strawberry.mutation(description="Like a post; liking twice changes nothing.")
    @payload_errors(LikePayload)
    def like_post(self, info: Ctx, input: PostIdArgument) -> LikePayload | None:
        from chalicelib.feeds import social

        done = social.like(info.context.principal, _post_id(input.post_id), utc_now())
        return LikePayload(post=Post(view=done.post) if done.post else None, liked=done.liked, changed=done.changed)

    @strawberry.mutation
    @payload_errors(LikePayload)
    def unlike_post(self, info: Ctx, input: PostIdArgument) -> LikePayload | None:
        from chalicelib.feeds import social

        done = social.unlike(info.context.principal, _post_id(input.post_id))
        return LikePayload(post=Post(view=done.post) if done.post else None, liked=done.liked, changed=done.changed)

    @strawberry.mutation(description="Count a share of a post (each share counts).")
    @payload_errors(PostPayload)
    def share_post(self, info: Ctx, input: PostIdArgument) -> PostPayload | None:
        from chalicelib.feeds import social

        return PostPayload(post=Post(view=social.share(info.context.principal, _post_id(input.post_id))))

    @strawberry.mutation(description="Comment on a published post; screened like posts.")
    @payload_errors(CommentPayload)
    def comment_on_post(self, info: Ctx, input: CommentArgument) -> CommentPayload | None:
        from chalicelib.feeds import social

        stored = social.comment(info.context.principal, _post_id(input.post_id), input.body, utc_now())
        return CommentPayload(comment=Comment.of(stored))

    @strawberry.mutation(description="Delete your own comment.")
    @payload_errors(DeletedPayload)
    def delete_comment(self, info: Ctx, input: DeleteCommentArgument) -> DeletedPayload | None:
        from chalicelib.feeds import social

        post_id, comment_id = from_global_id(input.comment_id, "Comment", "commentId")
        social.delete_comment(info.context.principal, post_id, comment_id)
        return DeletedPayload(deleted=True)

    @strawberry.mutation(description="Report a post, once per reader; enough reports hide it until reviewed.")
    @payload_errors(ReportPayload)
    def report_post(self, info: Ctx, input: ReportPostArgument) -> ReportPayload | None:
        from chalicelib.feeds import social

        done = social.report(info.context.principal, _post_id(input.post_id), input.reason, input.note, utc_now())
        return ReportPayload(counted=done.counted, hidden=done.hidden)

    @strawberry.mutation(description="Follow an author; following twice changes nothing.")
    @payload_errors(FollowPayload)
    def follow_author(self, info: Ctx, input: AuthorIdArgument) -> FollowPayload | None:
        from chalicelib.feeds import social

        author_id = _author_id(input.author_id)
        done = social.follow(info.context.principal, author_id, utc_now())
        return FollowPayload(following=done.following, changed=done.changed, author=_author(author_id))

    @strawberry.mutation
    @payload_errors(FollowPayload)
    def unfollow_author(self, info: Ctx, input: AuthorIdArgument) -> FollowPayload | None:
        from chalicelib.feeds import social

        author_id = _author_id(input.author_id)
        done = social.unfollow(info.context.principal, author_id)
        return FollowPayload(following=done.following, changed=done.changed, author=_author(author_id))

    @strawberry.mutation(description="Operators: publish a post from the review queue.")
    @payload_errors(PostPayload)
    def approve_post(self, info: Ctx, input: ModeratePostArgument) -> PostPayload | None:
        from chalicelib.feeds import moderation

        view = moderation.approve(info.context.principal, _post_id(input.post_id), input.reason, utc_now())
        return PostPayload(post=Post(view=view))

    @strawberry.mutation(description="Operators: refuse a post from the review queue, with the reason.")
    @payload_errors(PostPayload)
    def reject_post(self, info: Ctx, input: ModeratePostArgument) -> PostPayload | None:
        from chalicelib.feeds import moderation

        view = moderation.reject(info.context.principal, _post_id(input.post_id), input.reason, utc_now())
        return PostPayload(post=Post(view=view))

    @strawberry.mutation(description="Operators: take a post down from every feed, with the reason.")
    @payload_errors(PostPayload)
    def remove_post(self, info: Ctx, input: ModeratePostArgument) -> PostPayload | None:
        from chalicelib.feeds import moderation

        view = moderation.remove(info.context.principal, _post_id(input.post_id), input.reason, utc_now())
        return PostPayload(post=Post(view=view))

    @strawberry.mutation(description="Operators: add a word to the sensitive-word list.")
    @payload_errors(ModerationWordPayload)
    def add_moderation_word(self, info: Ctx, input: ModerationWordArgument) -> ModerationWordPayload | None:
        from chalicelib.feeds import moderation

        listed = moderation.add_word(info.context.principal, input.word, moderation.WordAction(input.action.value),
                                     utc_now())
        return ModerationWordPayload(word=_word(listed))

    @strawberry.mutation(description="Operators: take a word off the list.")
    @payload_errors(DeletedPayload)
    def remove_moderation_word(self, info: Ctx, input: ModerationWordArgument) -> DeletedPayload | None:
        from chalicelib.feeds import moderation

        moderation.remove_word(info.context.principal, input.word)
        return DeletedPayload(deleted=True)
