"""The operator's sensitive-word list in the single table.

``CONFIG#MODERATION_WORDS`` / ``WORD#<key>``: one item per listed word, keyed by
the word as the screen reads it (feeds.moderation normalises it), so "Ｆｕｃｋ"
and "fuck" are one entry; the item keeps the word as the operator typed it and its
action (BLOCK refuses the text, REVIEW sends a post to the review queue).

The whole list is one partition, read in full by one paginated Query when a
container's cached screen expires (feeds.moderation: at most once a minute).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.conditional import delete_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, as_request, query_page
from chalicelib.feeds import keys
from chalicelib.feeds.models import ModerationWordItem


@dataclass(frozen=True, slots=True)
class StoredWord:
    key: str  # the normalised form: the item's identity
    word: str  # as listed
    action: str  # BLOCK or REVIEW
    added_by: str
    added_at: datetime


def _to_word(item: ModerationWordItem) -> StoredWord:
    return StoredWord(item.SK.removeprefix(keys.WORD_PREFIX), item.word, item.action, item.added_by,
                      from_iso(item.added_at))


def put_word(key: str, word: str, action: str, added_by: str, added_at: datetime) -> None:
    """Add the word, or change the action of one listed already (same key)."""
    ModerationWordItem(keys.MODERATION_WORDS_PK, keys.word_sk(key), word=word, action=action, added_by=added_by,
                       added_at=iso(added_at)).save()


def delete_word(key: str) -> bool:
    """False if the word was not listed."""
    return delete_if(ModerationWordItem(keys.MODERATION_WORDS_PK, keys.word_sk(key)), TableItem.PK.exists())


def all_words() -> list[StoredWord]:
    """Every listed word: one Query (several pages for a list past ~1 MB)."""
    return [_to_word(i) for i in ModerationWordItem.query(
        keys.MODERATION_WORDS_PK, ModerationWordItem.SK.startswith(keys.WORD_PREFIX), consistent_read=True)
        if isinstance(i, ModerationWordItem)]


def words_page(limit: int | PageRequest, after: str | None = None) -> Page[StoredWord]:
    """Listed words in key order, ``limit`` at a time, either way; a position is a word's key."""
    page = query_page(TableItem, keys.MODERATION_WORDS_PK, as_request(limit, after).positions_as(keys.word_sk),
                      forward=True, prefix=keys.WORD_PREFIX, kinds=ModerationWordItem)
    return page.map(_to_word).positions_as(lambda sk: sk.removeprefix(keys.WORD_PREFIX))
