"""The caller's own profile: the name and avatar others see on their posts and comments.

Names are user text shown to everyone, so they pass the same word screen as posts and
comments. The screen belongs to feeds, which already depends on accounts: rather than a
cycle, the root assembly registers it here (``register_text_screen``), as it registers
accounts' user reader with core.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from chalicelib.accounts import rules
from chalicelib.accounts import store as user_store
from chalicelib.core.errors import InvalidId
from chalicelib.core.principal import Principal, User, require_user

# (field, text) pairs in; raises a typed error (CONTENT_REJECTED) for a refused text.
TextScreen = Callable[[Sequence[tuple[str, str | None]]], object]

_screen: TextScreen | None = None


def register_text_screen(screen: TextScreen) -> None:
    global _screen
    _screen = screen


def update_my_profile(principal: Principal | None, display_name: object, avatar_url: object = None) -> User:
    """Set the caller's display name and, when given, avatar URL. Bad input is refused with a
    typed error before anything is written; an omitted avatar keeps the current one."""
    caller = require_user(principal)
    name = rules.clean_display_name(display_name)
    avatar = rules.clean_avatar_url(avatar_url) if avatar_url is not None else None
    if _screen is None:  # fail closed: an unscreened name would be shown on every post
        raise RuntimeError("no text screen registered (chalicelib.schema registers feeds' word screen)")
    _screen([("displayName", name)])
    updated = user_store.update_profile(caller.user_id, name, avatar)
    if updated is None:
        raise InvalidId("the account of this token no longer exists")
    return updated
