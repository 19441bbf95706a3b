"""How the sensitive-word screen reads a text: normalised readings, pure rules, no I/O.

Why the normalisation is what it is
-----------------------------------
Evaders change how a word is encoded, not what a reader sees. The screen undoes
the changes a reader's eye undoes and takes no further liberty, because every
extra liberty is a false positive on somebody's honest review.

* Width, case and styled letters: NFKC then casefold, one character at a time so
  that every normalised character still knows which original character it came
  from. "Ｆｕｃｋ", "𝐟𝐮𝐜𝐤", "ⓕⓤⓒⓚ" and "FUCK" all read "fuck", and a Kangxi radical
  or compatibility ideograph reads as its ideograph ("⽩痴" is "白痴"). Accents on
  Latin, Greek and Cyrillic letters are dropped ("fück"); on kana they are kept,
  because there they change the letter, not its decoration.
* Invisible characters (zero-width spaces and joiners, soft hyphens, variation
  selectors, combining marks such as strike-through, Hangul fillers, control
  characters) are removed outright: a word with a zero-width joiner inside still
  looks like one word to a reader, so it is one word to the screen.
* Visible separators (spaces, punctuation, symbols, emoji) are handled by script,
  because scripts mark words differently:

  - Chinese and Japanese put nothing between words, so a listed CJK word matches
    anywhere in the run of CJK characters with every separator removed: "傻 逼",
    "傻*逼", "傻🙂逼" and "傻\\n逼" all read "傻逼". The price is that a listed word
    can also be read across the punctuation between two honest phrases; a list of
    words (not single characters) keeps that rare. Latin letters and digits
    between CJK characters do break a CJK word: in Chinese text they are content
    (brands, sizes, prices), not filler.
  - Latin-script text (English, pinyin, digits) marks words with spaces, and short
    words hide inside long ones ("ass" in "class", "shit" in "this hit"), so a
    listed Latin word matches whole words only (a listed phrase, whole words in a
    row). Three readings catch a word broken into pieces without flagging its
    honest neighbours:

    1. *joined*: a run of single letters ("f u c k", "F.u.C.k", "s_h_i_t") is one
       word, and so are pieces glued by visible separators other than spaces
       ("sh*it", "fu.ck"): an honest glued compound ("e-mail", "Q&A") rarely
       spells a listed word;
    2. *split*: every piece on its own, so a listed word inside a hyphenated or
       dotted compound ("bull-shit", "www.scam.com") is still a whole word;
    3. *letter runs*: a run of single letters is also searched inside, because a
       sentence's own "a" or "I" may have joined the run ("what a f u c k").
       Honest text rarely spells words out letter by letter, so this costs little.

    A word cut into multi-letter pieces by spaces ("fu ck") is not caught: without
    a dictionary it cannot be told apart from two honest words ("this hit").
* Lookalikes, only where honest text does not produce them: a digit 0 1 3 4 5 7
  reads o i e a s t when letters stand on both sides of it within a word ("sh1t",
  "b00bs"), never at a word's edge, so "A55", "mp3" and "4k" stay what they are.
  Cyrillic and Greek letters that look Latin read as Latin only inside a word that
  also has Latin letters ("ѕhіt"), so Russian and Greek text is left alone. Since
  Latin matches are whole words, a word so read must equal a listed word exactly.

The list's own words go through the same normalisation (the joined reading), so an
operator may list "傻 逼" or "f.u.c.k" and get "傻逼" and "fuck", and may mix the
scripts in one entry ("加vx": CJK anywhere, then the whole word "vx"). Traditional
and simplified Chinese are not unified: list both forms where it matters.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

# Han, kana and Bopomofo letters: the scripts written without spaces between words.
_CJK_LETTERS = (
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3041-\u3096\u309d-\u309f"
    "\u30a1-\u30fa\u30fc-\u30ff\u3105-\u312f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
)
CJK = re.compile(f"[{_CJK_LETTERS}]")
# A CJK run, or a Latin word: letters and digits of any other script (not "_", which joins identifiers).
_PIECE = re.compile(f"([{_CJK_LETTERS}]+)|([^\\W_{_CJK_LETTERS}]+)")
_WHITESPACE = re.compile(r"\s")

# What stands between two Latin words: nothing (a CJK run), glue (visible non-space separators), a space.
_NO_GAP, _GLUED, _SPACED = range(3)

BOUNDARY = " "  # marks a Latin word's edges in a reading; never part of a word
_OUTSIDE = -1  # origin of a boundary: it stands for no original character

# Invisible letters that Unicode classifies as letters (Hangul fillers), so category alone misses them.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_LAST_ACCENTED_SCRIPT = 0x052F  # end of Latin, Greek and Cyrillic (and their supplements)

_DIGIT_LOOKALIKES = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
_MAX_LOOKALIKE_DIGITS = 2  # "b00bs" reads "boobs"; a longer run of digits is a number
_LETTER_LOOKALIKES = str.maketrans(
    {
        # Cyrillic, lower case as casefold leaves it (some only look Latin as capitals: Н, М, Т, В)
        "а": "a", "в": "b", "е": "e", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
        "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d",
        "ӏ": "l", "ԛ": "q", "ԝ": "w",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x",
    }
)
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


_FOLD_CACHE_LIMIT = 65_536  # distinct characters remembered: bounds memory against odd input
_RESHAPED = "\x00"  # in the fast fold: "this character folds to zero or several characters"


# ---------------------------------------------------------------------------
# Normalised readings of a text


@dataclass(frozen=True, slots=True)
class Reading:
    """One normalised reading of a text, with the original index of each character."""

    text: str
    origins: Sequence[int]  # origins[i]: index in the original text of text[i], or -1 for a boundary

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``, from its first to its last real character."""
        while start < end and self.origins[start] == _OUTSIDE:
            start += 1
        while end > start and self.origins[end - 1] == _OUTSIDE:
            end -= 1
        if start == end:
            raise ValueError("the span holds no original character")
        return self.origins[start], self.origins[end - 1] + 1


@dataclass(frozen=True, slots=True)
class Normalised:
    """A text as the screen reads it (the module docstring says why)."""

    joined: Reading  # CJK runs without separators; Latin words between single spaces, pieces joined
    split: Reading  # the same with every Latin piece on its own (is ``joined`` when nothing was joined)
    letter_runs: tuple[Reading, ...]  # each run of single letters, joined, to search inside

    @property
    def text(self) -> str:
        return self.joined.text

    def whole_word_readings(self) -> tuple[Reading, ...]:
        return (self.joined,) if self.split is self.joined else (self.joined, self.split)


@dataclass(slots=True)
class _Piece:
    """A CJK run or a Latin word, with what separated it from the piece before."""

    text: str
    origins: Sequence[int]
    cjk: bool
    gap: int  # what stood between this piece and the one before (meaningful between Latin words)

    @property
    def single_letter(self) -> bool:
        return not self.cjk and len(self.text) == 1


def normalise(text: str) -> Normalised:
    pieces = _pieces(*_fold_text(text))
    joined_pieces = _join_glued(_join_spelled_out(pieces))
    joined = _render(joined_pieces)
    split = joined if joined_pieces is pieces else _render(pieces)
    runs = tuple(_render_letter_run(run) for run in _single_letter_runs(pieces))
    return Normalised(joined=joined, split=split, letter_runs=runs)


def _fold_text(text: str) -> tuple[str, Sequence[int]]:
    """Fold every character; the origins say which original character each folded one came from."""
    folded = text.translate(_ONE_TO_ONE_FOLDS)
    if _RESHAPED not in folded:
        return folded, range(len(text))  # the common case: every character folded to exactly one
    parts: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        part = _fold_char(char)
        parts.append(part)
        origins.extend([index] * len(part))
    return "".join(parts), origins


@lru_cache(maxsize=_FOLD_CACHE_LIMIT)
def _fold_char(char: str) -> str:
    if _is_invisible(char):
        return ""  # checked first: NFKC would turn some invisible fillers into other characters
    folded = _strip_accents(unicodedata.normalize("NFKC", char).casefold())
    return "".join(c for c in folded if not _is_invisible(c))


class _OneToOneFolds(dict):
    """For ``str.translate``: code point -> its fold when that is one character, else ``_RESHAPED``."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        value = folded if len(folded) == 1 else _RESHAPED
        if len(self) < _FOLD_CACHE_LIMIT:
            self[code_point] = value
        return value


_ONE_TO_ONE_FOLDS = _OneToOneFolds()


def _is_invisible(char: str) -> bool:
    if char in _INVISIBLE_LETTERS:
        return True
    category = unicodedata.category(char)
    return category[0] == "M" or category == "Cf" or (category == "Cc" and not char.isspace())


def _strip_accents(folded: str) -> str:
    decomposed = unicodedata.normalize("NFD", folded)
    if decomposed == folded and not any(unicodedata.combining(c) for c in folded):
        return folded
    bases = [c for c in decomposed if not unicodedata.combining(c)]
    if all(ord(c) <= _LAST_ACCENTED_SCRIPT for c in bases):
        return "".join(bases)
    return folded  # kana's dakuten, Hangul: there the mark is part of the letter


def _pieces(folded: str, origins: Sequence[int]) -> list[_Piece]:
    """Cut the folded text into CJK runs and Latin words; separators survive only as gaps."""
    pieces: list[_Piece] = []
    cjk_parts: list[str] = []  # the CJK run being read: separators inside it are dropped
    cjk_origins: list[int] = []
    last_end = 0
    for match in _PIECE.finditer(folded):
        start, end = match.span()
        if match.lastindex == 1:
            cjk_parts.append(folded[start:end])
            cjk_origins.extend(origins[start:end])
        else:
            if cjk_parts:
                pieces.append(_Piece("".join(cjk_parts), cjk_origins, True, _NO_GAP))
                cjk_parts, cjk_origins = [], []
            between = folded[last_end:start]
            if not between:
                gap = _NO_GAP
            elif between == " " or _WHITESPACE.search(between):
                gap = _SPACED
            else:
                gap = _GLUED
            pieces.append(_Piece(folded[start:end], origins[start:end], False, gap))
        last_end = end
    if cjk_parts:
        pieces.append(_Piece("".join(cjk_parts), cjk_origins, True, _NO_GAP))
    return pieces


def _join_spelled_out(pieces: list[_Piece]) -> list[_Piece]:
    """Spelled-out letters ("f u c k") become one word: consecutive single-letter Latin pieces."""
    return _merge_runs(pieces, lambda before, piece: before.single_letter and piece.single_letter)


def _join_glued(pieces: list[_Piece]) -> list[_Piece]:
    """Glued pieces ("sh*it", "fu.ck") become one word: Latin pieces with no space between them."""
    return _merge_runs(pieces, lambda before, piece: not before.cjk and not piece.cjk and piece.gap == _GLUED)


def _merge_runs(pieces: list[_Piece], belongs_with: Callable[[_Piece, _Piece], bool]) -> list[_Piece]:
    """Merge each piece into the one before it when ``belongs_with(before, piece)``.

    Returns ``pieces`` itself when nothing merged (most texts) and never changes a piece."""
    runs: list[list[_Piece]] = []
    for before, piece in zip([None, *pieces], pieces, strict=False):
        if before is not None and belongs_with(before, piece):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    if len(runs) == len(pieces):
        return pieces
    return [run[0] if len(run) == 1 else _merged(run) for run in runs]


def _merged(run: list[_Piece]) -> _Piece:
    origins = [origin for piece in run for origin in piece.origins]
    return _Piece("".join(piece.text for piece in run), origins, False, run[0].gap)


def _single_letter_runs(pieces: list[_Piece]) -> Iterator[list[_Piece]]:
    run: list[_Piece] = []
    for piece in pieces:
        if piece.single_letter:
            run.append(piece)
            continue
        if len(run) > 1:
            yield run
        run = []
    if len(run) > 1:
        yield run


def _render(pieces: list[_Piece]) -> Reading:
    """CJK runs as they are; each Latin word between single boundaries."""
    parts: list[str] = []
    origins: list[int] = []
    for piece in pieces:
        if piece.cjk:
            parts.append(piece.text)
            origins.extend(piece.origins)
            continue
        if not origins or origins[-1] != _OUTSIDE:
            parts.append(BOUNDARY)
            origins.append(_OUTSIDE)
        parts.append(_read_lookalikes(piece.text))
        origins.extend(piece.origins)
        parts.append(BOUNDARY)
        origins.append(_OUTSIDE)
    return Reading("".join(parts), origins)


def _render_letter_run(run: list[_Piece]) -> Reading:
    return Reading(_read_lookalikes("".join(piece.text for piece in run)), [piece.origins[0] for piece in run])


def _read_lookalikes(word: str) -> str:
    """Read lookalike letters and digits as the Latin letters they imitate (keeps the length)."""
    if word.isascii() and word.isalpha():
        return word  # the common case: nothing to read
    if any(c in _ASCII_LETTERS for c in word):
        word = word.translate(_LETTER_LOOKALIKES)
    return _read_digits(word)


def _read_digits(word: str) -> str:
    out = list(word)
    i = 0
    while i < len(word):
        if word[i] not in _DIGIT_LOOKALIKES:
            i += 1
            continue
        end = i
        while end < len(word) and word[end] in _DIGIT_LOOKALIKES:
            end += 1
        flanked = i > 0 and word[i - 1].isalpha() and end < len(word) and word[end].isalpha()
        if flanked and end - i <= _MAX_LOOKALIKE_DIGITS:
            for j in range(i, end):
                out[j] = _DIGIT_LOOKALIKES[word[j]]
        i = end
    return "".join(out)
