"""Access tokens: JWTs we issue and verify ourselves, identically locally and on AWS
(chalice local does not verify tokens, so verification is the application's job)."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.errors import Unauthenticated
from chalicelib.core.principal import Principal, Role
from chalicelib.core.settings import Settings

ALGORITHM = "HS256"


def issue(settings: Settings, user_id: str, role: Role, now: datetime) -> tuple[str, datetime]:
    import jwt  # ~50 ms with cryptography installed: only requests that carry or mint a token pay it

    expires = now + timedelta(seconds=settings.token_ttl_seconds)
    claims = {
        "sub": user_id,
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, settings.derived_key("access-token"), algorithm=ALGORITHM), expires


def verify(settings: Settings, token: str) -> Principal:
    import jwt

    try:
        claims = jwt.decode(
            token,
            settings.derived_key("access-token"),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "role", "exp", "iss", "aud"]},
        )
        return Principal(user_id=str(claims["sub"]), role=Role(claims["role"]))
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the access token has expired; log in again") from None
    except (jwt.InvalidTokenError, ValueError, KeyError):
        raise Unauthenticated("the access token is invalid") from None


def principal_from_header(settings: Settings, authorization: str | None) -> Principal | None:
    """None for an anonymous request; an error for a malformed or bad token."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use 'Authorization: Bearer <token>'")
    return verify(settings, token.strip())
