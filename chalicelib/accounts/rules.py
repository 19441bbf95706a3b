"""Profile rules: the name and avatar a user picks in the mini-program's profile form (pure)."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from chalicelib.core.errors import Required, ValidationFailed

MAX_DISPLAY_NAME_LENGTH = 20  # characters (code points) after trimming: a name that fits a post card
MAX_AVATAR_URL_LENGTH = 2048  # as catalog's media URLs
# Control characters (newline, tab, NUL, C1 controls) and line/paragraph separators would
# break a name onto lines or into terminal escapes wherever it is shown. Format characters
# (Cf) stay: the zero-width joiner is part of many emoji; the word screen reads past them.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def clean_display_name(value: object, field: str = "displayName") -> str:
    if not isinstance(value, str) or not value.strip():
        raise Required("a display name is required", field)
    name = value.strip()
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        raise ValidationFailed("a display name cannot contain control characters or line breaks", field)
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise ValidationFailed(f"a display name has at most {MAX_DISPLAY_NAME_LENGTH} characters", field)
    return name


def clean_avatar_url(value: object, field: str = "avatarUrl") -> str:
    """An https URL with a host (wx.chooseAvatar gives a local temporary file: upload it first)."""
    if not isinstance(value, str) or not value.strip():
        raise Required("an avatar URL is required", field)
    url = value.strip()
    if len(url) > MAX_AVATAR_URL_LENGTH:
        raise ValidationFailed(f"an avatar URL has at most {MAX_AVATAR_URL_LENGTH} characters", field)
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        raise ValidationFailed("an avatar URL cannot contain spaces or control characters", field)
    try:
        parts = urlsplit(url)
    except ValueError as error:  # e.g. an unbalanced IPv6 bracket
        raise ValidationFailed("an avatar URL must be an https URL", field) from error
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationFailed("an avatar URL must be an https URL (upload the chosen image first)", field)
    return url
