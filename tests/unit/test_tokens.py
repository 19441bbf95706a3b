"""Access tokens: issued and verified by us, strictly."""
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from chalicelib.core import tokens
from chalicelib.core.errors import ErrorCode, Unauthenticated
from chalicelib.core.principal import Principal, Role
from chalicelib.core.settings import Settings

SETTINGS = Settings(
    stage="local",
    table_name="t",
    region="cn-north-1",
    dynamodb_endpoint=None,
    secret_key="s" * 48,
    jwt_issuer="tuanstack",
    jwt_audience="tuanstack-api",
    token_ttl_seconds=7200,
    wechat_login="local",
    wechat_app_id="",
    wechat_app_secret="",
    wechat_api_base="https://api.weixin.qq.com",
    graphiql_assets_dir=None,
)
USER = "01J5ZQ0000000000000000USER"


def _now() -> datetime:
    return datetime.now(UTC)


def _claims(**overrides):
    now = _now()
    claims = {"sub": USER, "role": "MERCHANT", "iss": SETTINGS.jwt_issuer, "aud": SETTINGS.jwt_audience,
              "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp())}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(claims, key=None, algorithm="HS256"):
    return jwt.encode(claims, key if key is not None else SETTINGS.derived_key("access-token"), algorithm=algorithm)


@pytest.mark.parametrize("role", list(Role))
def test_issue_then_verify(role):
    now = _now()
    token, expires = tokens.issue(SETTINGS, USER, role, now)
    assert expires == now + timedelta(seconds=SETTINGS.token_ttl_seconds)
    assert tokens.verify(SETTINGS, token) == Principal(user_id=USER, role=role)


def test_expired_token_says_expired():
    token, _ = tokens.issue(SETTINGS, USER, Role.CUSTOMER, _now() - timedelta(seconds=SETTINGS.token_ttl_seconds + 60))
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(SETTINGS, token)
    assert caught.value.code is ErrorCode.UNAUTHENTICATED
    assert "expired" in caught.value.message


@pytest.mark.parametrize("other", [
    {"jwt_audience": "someone-else"},
    {"jwt_issuer": "someone-else"},
    {"secret_key": "t" * 48},
])
def test_token_for_another_audience_issuer_or_secret_is_refused(other):
    token, _ = tokens.issue(replace(SETTINGS, **other), USER, Role.OPERATOR, _now())
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(SETTINGS, token)
    assert "expired" not in caught.value.message


def test_alg_none_is_refused():
    token = jwt.encode(_claims(role="OPERATOR"), None, algorithm="none")
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, token)


def test_other_hmac_algorithm_with_the_right_key_is_refused():
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, _signed(_claims(), algorithm="HS512"))


def test_the_raw_secret_is_not_the_signing_key():
    # Keys are derived per purpose: a token signed with the bare secret is not ours.
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, _signed(_claims(), key=SETTINGS.secret_key))
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, _signed(_claims(), key=SETTINGS.derived_key("cursor")))


@pytest.mark.parametrize("claims", [
    _claims(role=None), _claims(sub=None), _claims(exp=None), _claims(iss=None), _claims(aud=None),
    _claims(role="ADMIN"), _claims(role="operator"), _claims(sub=12345),
], ids=["no-role", "no-sub", "no-exp", "no-iss", "no-aud", "unknown-role", "lowercase-role", "int-sub"])
def test_incomplete_or_odd_claims_are_refused(claims):
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, _signed(claims))


def test_well_formed_claims_signed_by_us_are_accepted():
    assert tokens.verify(SETTINGS, _signed(_claims())) == Principal(USER, Role.MERCHANT)


@pytest.mark.parametrize("token", ["", "x", "a.b.c", "Bearer", "eyJ.eyJ.sig"])
def test_garbage_tokens_are_refused(token):
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, token)


def test_tampered_payload_is_refused():
    token, _ = tokens.issue(SETTINGS, USER, Role.CUSTOMER, _now())
    header, _, signature = token.split(".")
    forged_payload = jwt.encode(_claims(role="OPERATOR"), "x" * 32, algorithm="HS256").split(".")[1]
    with pytest.raises(Unauthenticated):
        tokens.verify(SETTINGS, f"{header}.{forged_payload}.{signature}")


# ---------- Authorization header ----------
def test_no_header_is_anonymous():
    assert tokens.principal_from_header(SETTINGS, None) is None
    assert tokens.principal_from_header(SETTINGS, "") is None


@pytest.mark.parametrize("header", ["Basic x", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer    ", "Token abc",
                                    "bearer-abc"])
def test_other_schemes_or_an_empty_bearer_are_errors(header):
    with pytest.raises(Unauthenticated):
        tokens.principal_from_header(SETTINGS, header)


def test_bearer_header_is_verified():
    token, _ = tokens.issue(SETTINGS, USER, Role.CUSTOMER, _now())
    assert tokens.principal_from_header(SETTINGS, f"Bearer {token}") == Principal(USER, Role.CUSTOMER)
    assert tokens.principal_from_header(SETTINGS, f"bearer {token}") == Principal(USER, Role.CUSTOMER)
    with pytest.raises(Unauthenticated):
        tokens.principal_from_header(SETTINGS, "Bearer not-a-token")


def test_short_secret_is_a_configuration_error_not_a_weak_key():
    with pytest.raises(RuntimeError):
        tokens.issue(replace(SETTINGS, secret_key="short"), USER, Role.CUSTOMER, _now())
