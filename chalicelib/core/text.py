"""One line of text people see (titles, reasons): the one check features share. Pure."""
from __future__ import annotations

import unicodedata

from chalicelib.core.errors import ValidationFailed

# Bidirectional overrides and isolates reorder what follows them on screen (a title can be
# made to read as another): refused. Other format characters stay (the zero-width joiner
# holds emoji sequences together).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(value: object) -> str | None:
    """The text trimmed, or None when it is not text, or holds a control character, a lone
    surrogate or a bidi control (the caller raises its own typed error with its field)."""
    if not isinstance(value, str):
        return None
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in _BIDI_CONTROLS for c in value):
        return None
    return value.strip()


def clean_line(value: object, field: str, *, max_length: int) -> str:
    """``one_line``, 1 to ``max_length`` characters, or ValidationFailed with ``field``."""
    text = one_line(value)
    if text is None:
        raise ValidationFailed("must be one line of text (no control or direction characters)", field)
    if not 1 <= len(text) <= max_length:
        raise ValidationFailed(f"must be 1 to {max_length} characters", field)
    return text
