"""Who the caller of one request is: a verified token whose user still exists, with the role stored now.

The token proves who signed in; it does not prove the account still exists or still has the
role it had at sign-in. So every request with a token reads the user once (one GetItem) and
takes the role from the stored user: a deleted account or a demoted operator loses its powers
on the next request, not when the token expires.

A token we refuse (malformed, badly signed, expired, unknown user) makes the request
anonymous, with the refusal kept: public fields still answer, and fields that need a user
answer UNAUTHENTICATED saying why the token was refused (see core/graphql/errors.py).

Core knows no feature: the root assembly registers how to read a user (accounts' published
``get_user``) with ``register_user_reader``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core.errors import Unauthenticated
from chalicelib.core.principal import Principal, User
from chalicelib.core.settings import Settings
from chalicelib.core.tokens import principal_from_header

UserReader = Callable[[str], User | None]

_read_user: UserReader | None = None


def register_user_reader(read_user: UserReader) -> None:
    global _read_user
    _read_user = read_user


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal (None: anonymous), its stored user, and why a token sent was refused."""

    principal: Principal | None = None
    user: User | None = None
    token_refusal: Unauthenticated | None = None


ANONYMOUS = Caller()


def authenticate(settings: Settings, authorization: str | None) -> Caller:
    try:
        claimed = principal_from_header(settings, authorization)
    except Unauthenticated as refusal:
        return Caller(token_refusal=refusal)
    if claimed is None:
        return ANONYMOUS
    if _read_user is None:  # fail closed: never trust a token's claims without the stored user
        raise RuntimeError("no user reader registered (chalicelib.schema registers accounts' get_user)")
    user = _read_user(claimed.user_id)
    if user is None:
        return Caller(token_refusal=Unauthenticated("the account of this access token no longer exists; log in again"))
    return Caller(principal=Principal(user_id=user.id, role=user.role), user=user)
