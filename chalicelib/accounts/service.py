"""Sign-in by WeChat mini-program code."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from chalicelib.accounts import store as user_store
from chalicelib.adapters.wechat_login import WechatLogin
from chalicelib.core import tokens
from chalicelib.core.clock import iso
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import is_share_code, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, User, require_user
from chalicelib.core.settings import Settings

WECHAT = "WECHAT"


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    expires_at: datetime
    user: User
    created: bool


def openid_digest(app_id: str, openid: str) -> str:
    # Openids are per app; digesting keeps the raw value out of keys and traces.
    return hashlib.sha256(f"{app_id}:{openid}".encode()).hexdigest()


def login_with_wechat(settings: Settings, login: WechatLogin, code: str, now: datetime,
                      invite_code: str | None = None) -> Session:
    """``invite_code`` (a share code from an invite card's ``scene``) is kept on the account only when
    this very sign-in creates it: an existing account is never bound (chalicelib/referrals binds it)."""
    if invite_code is not None and not is_share_code(invite_code):
        raise ValidationFailed("an invite code is the 16 characters of the invite card's scene", "inviteCode")
    identity = login.exchange(code)
    digest = openid_digest(settings.wechat_app_id, identity.openid)
    created = False
    user_id = user_store.user_for_identity(WECHAT, digest)
    if user_id is None:
        user = User(id=new_id(), role=Role.CUSTOMER, display_name="")
        created = user_store.create_user_with_identity(
            user, WECHAT, digest, wechat_openid=identity.openid, created_at=iso(now),
            invite_code=invite_code,
        )
        # Lost a race with the same person's other first login: use the winner's account.
        user_id = user.id if created else user_store.user_for_identity(WECHAT, digest)
    if created:
        count("UsersSignedUp")
    user = user_store.get_user(user_id) if user_id else None
    if user is None:
        raise RuntimeError("identity points at a missing user")
    token, expires = tokens.issue(settings, user.id, user.role, now)
    return Session(token=token, expires_at=expires, user=user, created=created)


def register_user(settings: Settings, openid: str, role: Role, display_name: str, now: datetime) -> User:
    """Create a user for a known openid with a given role (seeding, operator tooling)."""
    digest = openid_digest(settings.wechat_app_id, openid)
    existing = user_store.user_for_identity(WECHAT, digest)
    if existing:
        user = user_store.get_user(existing)
        assert user is not None
        return user
    user = User(id=new_id(), role=role, display_name=display_name)
    user_store.create_user_with_identity(user, WECHAT, digest, wechat_openid=openid, created_at=iso(now))
    return user


def signed_in(principal: Principal | None) -> str:
    """``me``: the caller's user id; UNAUTHENTICATED without a token."""
    return require_user(principal).user_id


def own_account(principal: Principal | None, user_id: str) -> str | None:
    """``user_id`` when it is the caller's own account, else None: an account (role,
    orders, points) is seen by its owner only; others see the public ``Author``."""
    if principal is None or principal.user_id != user_id:
        return None
    return user_id
