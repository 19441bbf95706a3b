"""Users for your reads: a user, its WeChat openid (for payments), and its item and key for your own batch read or transaction."""
from __future__ import annotations

from chalicelib.accounts.keys import USER_SK, user_pk
from chalicelib.accounts.models import UserItem
from chalicelib.accounts.store import get_user, to_user, wechat_openid

__all__ = ["USER_SK", "UserItem", "get_user", "to_user", "user_pk", "wechat_openid"]
