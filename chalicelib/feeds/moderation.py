"""Moderation: the sensitive-word screen every post and comment passes when it is
written, the operators' word list, the review queue and moderators' decisions.

Operators act as moderators (Role.OPERATOR). Every decision is written with its
DecisionItem (the audit trail) in the same transaction as the state change, and the
state change rewrites the post's index keys: visibility is an index property.

The screen is compiled once per container (Aho-Corasick automata, one for BLOCK
words, one for REVIEW words) and re-read at most once a minute, like the points
rules: every post and comment needs it, a list of thousands of words costs a
Query of several pages and a rebuild, and a minute's delay after an operator's
change is acceptable. The container that changes the list forgets its copy at once.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from chalicelib.core.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    InvalidCursor,
    InvalidId,
    NotFound,
    PageSizeExceeded,
    ValidationFailed,
)
from chalicelib.core.ids import is_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role, require_user
from chalicelib.core.table.paging import Page, PageRequest, checked_request
from chalicelib.feeds import posts_store, ranking, rules, words_store
from chalicelib.feeds.post_items import PostChanged, PostView
from chalicelib.feeds.readings import normalise
from chalicelib.feeds.rules import ModerationAction, ModerationDecision
from chalicelib.feeds.screen import WordList

CACHE_TTL_SECONDS = 60.0
MAX_WORD_LENGTH = 50
MAX_PAGE = 100
DECISION_ATTEMPTS = 3  # a decision is taken again on what is there when the post moved meanwhile
PASSED_SCREENING = "passed screening"


class ContentRejected(ValidationFailed):
    """The text holds a BLOCK word; the message is the screen's reason, the field the
    first field that holds one. Nothing was stored."""

    code = ErrorCode.CONTENT_REJECTED


class WordAction(Enum):
    BLOCK = "BLOCK"  # the text is refused
    REVIEW = "REVIEW"  # a post waits in the review queue; a comment passes


# ---------------------------------------------------------------- the screen
@dataclass(frozen=True)
class Screens:
    block: WordList
    review: WordList
    listed: frozenset[tuple[str, str, str]]  # (key, word, action): what they were built from


@dataclass(frozen=True, slots=True)
class Screening:
    """A text that passed the BLOCK words; ``review_reason`` says which REVIEW words it holds."""

    review_reason: str | None = None
    review_field: str | None = None

    @property
    def needs_review(self) -> bool:
        return self.review_reason is not None


_lock = threading.Lock()
_cached: tuple[float, Screens] | None = None


def screens() -> Screens:
    """The compiled screens, read at most once a minute per container (one Query);
    rebuilt only when the stored list differs from the one they were built from."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_SECONDS:
        return cached[1]
    with _lock:  # one reader and one rebuild at a time per container
        cached = _cached
        if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_SECONDS:
            return cached[1]
        listed = frozenset((w.key, w.word, w.action) for w in words_store.all_words())
        if cached is not None and cached[1].listed == listed:
            built = cached[1]
        else:
            built = Screens(
                block=WordList(word for _, word, action in listed if action == WordAction.BLOCK.value),
                review=WordList(word for _, word, action in listed if action == WordAction.REVIEW.value),
                listed=listed,
            )
        _cached = (time.monotonic(), built)
        return built


def forget_cached_words() -> None:
    """Drop this container's screen: the next screening reads the list again."""
    global _cached
    _cached = None


def screen(fields: Sequence[tuple[str, str | None]]) -> Screening:
    """Screen each (field, text): a BLOCK word anywhere refuses the whole (naming the
    first field holding one); otherwise the first REVIEW word found is reported."""
    current = screens()
    for field, text in fields:
        if text:
            result = current.block.check(text)
            if not result.passed:
                count("ContentRejected")
                raise ContentRejected(result.reason or "contains a banned word", field)
    for field, text in fields:
        if text:
            result = current.review.check(text)
            if not result.passed:
                return Screening(result.reason, field)
    return Screening()


def post_fields(content: rules.PostContent) -> list[tuple[str, str | None]]:
    return [("title", content.title), ("body", content.body),
            *((f"tags.{i}", tag) for i, tag in enumerate(content.tags))]


# ---------------------------------------------------------------- the word list
@dataclass(frozen=True, slots=True)
class ListedWord:
    key: str  # as the screen reads it: the entry's identity
    word: str  # as the operator typed it
    action: WordAction
    added_by: str
    added_at: datetime


def _listed(stored: words_store.StoredWord) -> ListedWord:
    return ListedWord(stored.key, stored.word, WordAction(stored.action), stored.added_by, stored.added_at)


def word_key(word: object, field: str = "word") -> tuple[str, str]:
    """(the word trimmed, its key): refused if it is not text, too long, or nothing
    the screen could match (only separators)."""
    if not isinstance(word, str):
        raise ValidationFailed("must be text", field)
    listed = word.strip()
    if not listed:
        raise ValidationFailed("must not be empty", field)
    if len(listed) > MAX_WORD_LENGTH:
        raise ValidationFailed(f"must be at most {MAX_WORD_LENGTH} characters", field)
    try:
        WordList([listed])  # the list's own validation
    except ValidationFailed as error:
        raise ValidationFailed(error.message, field) from None
    return listed, normalise(listed).joined.text.strip(" ")


def add_word(principal: Principal | None, word: str, action: WordAction, now: datetime) -> ListedWord:
    """List a word, or change the action of a word listed already (however spelled)."""
    caller = require_role(principal, Role.OPERATOR)
    if not isinstance(action, WordAction):
        raise ValidationFailed("BLOCK or REVIEW", "action")
    listed, key = word_key(word)
    words_store.put_word(key, listed, action.value, caller.user_id, now)
    forget_cached_words()
    return ListedWord(key, listed, action, caller.user_id, now.replace(microsecond=0))


def remove_word(principal: Principal | None, word: str) -> None:
    """Unlist a word, given as listed or in any spelling the screen reads the same."""
    require_role(principal, Role.OPERATOR)
    _, key = word_key(word)
    if not words_store.delete_word(key):
        raise NotFound("this word is not listed", "word")
    forget_cached_words()


def _first(first: int) -> int:
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise PageSizeExceeded(f"first must be between 1 and {MAX_PAGE}", "first")
    return first


def words_page(principal: Principal | None, first: int | PageRequest,
               after: str | None = None) -> Page[ListedWord]:
    """A page of the list in key order, either way (a position is a word's key)."""
    require_role(principal, Role.OPERATOR)
    request = checked_request(first, after, MAX_PAGE, lambda key: 0 < len(key) <= 4 * MAX_WORD_LENGTH)
    return words_store.words_page(request).map(_listed)


def list_words(principal: Principal | None, first: int, after: str | None = None
               ) -> tuple[list[ListedWord], str | None]:
    """A page of the list in key order, and the position to continue after (None at the end)."""
    page = words_page(principal, first, after)
    return page.items, (page.end if page.has_more else None)


# ---------------------------------------------------------------- the review queue and decisions
def _post_id(post_id: object) -> str:
    if not isinstance(post_id, str) or not is_id(post_id):
        raise InvalidId("not a post id", "postId")
    return post_id


def review_queue_page(principal: Principal | None, first: int | PageRequest,
                      after: str | None = None) -> Page[PostView]:
    """Posts waiting for a moderator, oldest first, either way (a position is a
    post's place in the queue): one Query."""
    require_role(principal, Role.OPERATOR)
    request = checked_request(first, after, MAX_PAGE, _is_queue_position)
    return posts_store.review_queue(request)


def _is_queue_position(position: str) -> bool:
    try:
        ranking.parse_cursor_position(position)  # "<time>#<post id>"
    except InvalidCursor:
        return False
    return True


def review_queue(principal: Principal | None, first: int, after: str | None = None
                 ) -> tuple[list[PostView], str | None]:
    """``review_queue_page`` as the posts and the position to continue after (None at the end)."""
    page = review_queue_page(principal, first, after)
    return page.items, (page.end if page.has_more else None)


def approve(principal: Principal | None, post_id: str, reason: str, now: datetime) -> PostView:
    return _decide(principal, post_id, ModerationAction.APPROVE, reason, now)


def reject(principal: Principal | None, post_id: str, reason: str, now: datetime) -> PostView:
    return _decide(principal, post_id, ModerationAction.REJECT, reason, now)


def remove(principal: Principal | None, post_id: str, reason: str, now: datetime) -> PostView:
    return _decide(principal, post_id, ModerationAction.REMOVE, reason, now)


_DECISION_METRICS = {ModerationAction.APPROVE: "PostsApproved", ModerationAction.REJECT: "PostsRejected",
                     ModerationAction.REMOVE: "PostsRemoved"}


def _decide(principal: Principal | None, post_id: str, action: ModerationAction, reason: str,
            now: datetime) -> PostView:
    caller = require_role(principal, Role.OPERATOR)
    post_id = _post_id(post_id)
    reason = rules.clean_reason(reason)
    for _ in range(DECISION_ATTEMPTS):
        before = posts_store.get_post(post_id, consistent=True)
        if before is None:
            raise NotFound("no such post", "postId")
        after, decision = rules.moderate(before.post, action, caller.user_id, reason, now)
        # The author sees why their post was turned down; an approval clears it.
        shown = reason if action in (ModerationAction.REJECT, ModerationAction.REMOVE) else None
        try:
            posts_store.save_transition(before, after, decision, rejection_reason=shown)
        except PostChanged:
            continue  # edited, reported or decided meanwhile: decide again on what is there
        count(_DECISION_METRICS[action])
        return replace(before, post=after, rejection_reason=shown, version=before.version + 1)
    raise Conflict("the post keeps changing; read it again and retry", "postId")


def decisions(principal: Principal | None, post_id: str) -> list[ModerationDecision]:
    """A post's audit trail, oldest first: screening, reports' hiding, moderators.
    For operators, and for the post's author (why was my post hidden?)."""
    caller = require_user(principal)
    post_id = _post_id(post_id)
    if caller.role is not Role.OPERATOR:
        view = posts_store.get_post(post_id)
        if view is None or view.post.author_id != caller.user_id:
            raise Forbidden("only operators and the post's author see its decisions", "postId")
    return posts_store.decisions(post_id)


def system_approval(post: rules.Post, now: datetime) -> tuple[rules.Post, ModerationDecision]:
    """A post that passed screening is published by the system, with its decision."""
    return rules.approve(post, rules.SYSTEM_MODERATOR, PASSED_SCREENING, now)

