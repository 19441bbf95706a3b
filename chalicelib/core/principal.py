"""Who is calling, and what their role lets them do."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from chalicelib.core.errors import Forbidden, Unauthenticated


class Role(Enum):
    CUSTOMER = "CUSTOMER"
    MERCHANT = "MERCHANT"
    OPERATOR = "OPERATOR"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    role: Role
    display_name: str = ""
    avatar_url: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified caller of one request (from the token, never from input)."""

    user_id: str
    role: Role


def require_user(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthenticated("sign in first")
    return principal


def require_role(principal: Principal | None, *roles: Role) -> Principal:
    principal = require_user(principal)
    if principal.role not in roles:
        allowed = " or ".join(f"{r.value.lower()}s" for r in roles)
        raise Forbidden(f"only {allowed} may do this")
    return principal


def require_self(principal: Principal | None, user_id: str, what: str = "your own data") -> Principal:
    """A user's private data answers only to that user (operators read it through their own fields)."""
    caller = require_user(principal)
    if caller.user_id != user_id:
        raise Forbidden(f"only {what}")
    return caller


def may_manage(principal: Principal, merchant_id: str) -> bool:
    """Merchants manage their own products; operators manage every merchant's."""
    return principal.role is Role.OPERATOR or (principal.role is Role.MERCHANT and principal.user_id == merchant_id)
