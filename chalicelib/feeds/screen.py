"""Sensitive-word screen (敏感词) for posts and comments: pure rules, no I/O.

An operator-managed word list is compiled once into Aho-Corasick automata
(``WordList``). Screening a text normalises it and walks each automaton over it
once, so a post costs about the same against 10 listed words as against 10,000.

How a text is read before it is matched (width, case, invisible characters, separators
by script, lookalikes) is explained in readings.py, where it is done.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from chalicelib.core.errors import ValidationFailed
from chalicelib.feeds.readings import BOUNDARY, CJK, Reading, normalise

_WORDS_NAMED_IN_REASON = 5


# ---------------------------------------------------------------------------
# The list and the screen


@dataclass(frozen=True, slots=True)
class Hit:
    """A listed word found in a text; ``start``/``end`` index the original text."""

    word: str  # as the operator listed it
    start: int
    end: int

    def matched(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class ScreenResult:
    hits: tuple[Hit, ...]

    @property
    def passed(self) -> bool:
        return not self.hits

    @property
    def reason(self) -> str | None:
        """Why the text is refused, naming each listed word once, or None when it passed.

        Names at most a few words: the reason is shown to the author and kept in the
        audit trail, and a post full of listed words needs no full inventory."""
        words = list(dict.fromkeys(hit.word for hit in self.hits))
        if not words:
            return None
        if len(words) == 1:
            return f"contains a banned word: {words[0]}"
        named = ", ".join(words[:_WORDS_NAMED_IN_REASON])
        more = len(words) - _WORDS_NAMED_IN_REASON
        return f"contains banned words: {named}" + (f" and {more} more" if more > 0 else "")


class WordList:
    """The operator's sensitive words, compiled for screening. Build once, screen many."""

    def __init__(self, words: Iterable[str]) -> None:
        whole_words: dict[str, str] = {}  # key in a joined reading -> the word as listed
        spelled: dict[str, str] = {}  # Latin key without boundaries, for letter runs -> word
        for word in words:
            listed = word.strip()
            key = _key(listed)
            if key in whole_words:
                continue  # the same word listed twice, perhaps spelled differently
            whole_words[key] = listed
            if _is_latin_only(key):
                spelled.setdefault(key.replace(BOUNDARY, ""), listed)
        self._words = tuple(whole_words.values())
        self._whole_words = _automaton(whole_words)
        self._spelled = _automaton(spelled)

    @property
    def words(self) -> tuple[str, ...]:
        return self._words

    def __len__(self) -> int:
        return len(self._words)

    def screen(self, text: str) -> list[Hit]:
        """Every occurrence of a listed word, in the order they start in ``text``."""
        if self._whole_words is None:
            return []
        normalised = normalise(text)
        hits: set[Hit] = set()
        for reading in normalised.whole_word_readings():
            hits.update(_search(self._whole_words, reading))
        if self._spelled is not None:
            for run in normalised.letter_runs:
                hits.update(_search(self._spelled, run))
        return sorted(hits, key=lambda hit: (hit.start, hit.end, hit.word))

    def check(self, text: str) -> ScreenResult:
        return ScreenResult(tuple(self.screen(text)))


def _key(word: str) -> str:
    if not word:
        raise ValidationFailed("a listed word cannot be empty")
    key = normalise(word).joined.text
    if not key.strip(BOUNDARY):
        raise ValidationFailed(f"a listed word needs a letter or character, not only separators: {word!r}")
    return key


def _is_latin_only(key: str) -> bool:
    return CJK.search(key) is None


def _automaton(keys: dict[str, str]) -> ahocorasick.Automaton | None:
    """An automaton over the keys' UTF-8 bytes (as latin-1 characters), not their characters.

    pyahocorasick finds a node's child by a linear scan. Keyed by character, the root of a
    10,000-word Chinese list has thousands of children and every CJK character of a post
    scans them (measured: 10x slower). Keyed by byte no node has more than 256 children,
    and UTF-8 cannot match across a character boundary, so every match is a real one."""
    if not keys:
        return None  # pyahocorasick refuses to search an empty automaton
    automaton = ahocorasick.Automaton()
    for key, word in keys.items():
        automaton.add_word(_as_bytes(key), (word, len(key)))
    automaton.make_automaton()
    return automaton


def _as_bytes(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _search(automaton: ahocorasick.Automaton, reading: Reading) -> Iterator[Hit]:
    encoded = _as_bytes(reading.text)
    same_positions = len(encoded) == len(reading.text)  # ASCII: a byte is a character
    byte_end = char_end = 0
    for last_byte, (word, length) in automaton.iter(encoded):
        if same_positions:
            char_end = last_byte + 1
        elif last_byte + 1 != byte_end:
            # Matches come in order of their end, and end on character boundaries: count the
            # characters since the previous end, so the whole search stays linear.
            char_end += len(encoded[byte_end : last_byte + 1].encode("latin-1").decode("utf-8"))
            byte_end = last_byte + 1
        start, end = reading.original_span(char_end - length, char_end)
        yield Hit(word, start, end)
