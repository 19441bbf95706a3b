"""Signed out is one behaviour: a refused token (malformed, expired, forged, account gone)
makes the request anonymous. Public fields answer; fields that need a user answer
UNAUTHENTICATED (a mutation in its payload, a query as a field error), never HTTP 401.
The role is the stored user's, read once per authenticated request."""
from __future__ import annotations

import json
from datetime import timedelta

import jwt
import pytest

from chalicelib.accounts.keys import USER_SK, user_pk
from chalicelib.accounts.models import UserItem
from chalicelib.core import tokens
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id, to_global_id
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Role
from chalicelib.core.settings import settings
from tests.api.catalog_ops import CREATE_CATEGORY
from tests.api.catalog_support import table_snapshot
from tests.conftest import demo_token, priced_answer
from tests.factories import create_category
from tests.feeds.feed_support import post
from tests.groupbuy.ops import OPEN_TEAM
from tests.groupbuy.test_api import deal  # noqa: F401 - the fixture

CATEGORIES = "{ categories { name } }"
ME = "{ me { id role displayName } }"
CHECK_IN = "mutation { checkIn { outcome errors { code message } } }"
LIKE = """mutation($id: ID!) { likePost(input: {postId: $id}) { liked errors { code message } } }"""
COMMENT = """mutation($id: ID!) { commentOnPost(input: {postId: $id, body: "hi"}) { comment { id } errors { code } } }"""
FOLLOW = """mutation($id: ID!) { followAuthor(input: {authorId: $id}) { following errors { code } } }"""


def _user_id(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["sub"]


def _expired(token: str) -> str:
    config = settings()
    stale, _ = tokens.issue(config, _user_id(token), Role.CUSTOMER,
                            utc_now() - timedelta(seconds=config.token_ttl_seconds + 60))
    return stale


def _unknown_user() -> str:
    """Correctly signed, for a user the table never had."""
    return tokens.issue(settings(), new_id(), Role.OPERATOR, utc_now())[0]


def _deleted(token: str) -> str:
    UserItem.get(user_pk(_user_id(token)), USER_SK).delete()
    return token


def _set_role(token: str, role: Role) -> None:
    stored = UserItem.get(user_pk(_user_id(token)), USER_SK)
    stored.update(actions=[UserItem.role.set(role.value)])


def _ok(response) -> dict:
    assert response.status_code == 200, response.body  # never 401: the request runs anonymously
    return json.loads(response.body)


REFUSED = {
    "expired": (_expired, "expired"),
    "garbage": (lambda token: "not-a-token", "invalid"),
    "forged": (lambda token: jwt.encode(jwt.decode(token, options={"verify_signature": False}), "y" * 48,
                                        algorithm="HS256"), "invalid"),
    "unknown user": (lambda token: _unknown_user(), "no longer exists"),
    "deleted user": (_deleted, "no longer exists"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_token_reads_public_data_as_anonymous(gql, operator, customer, case):
    create_category(gql, operator)
    make, _ = REFUSED[case]
    assert _ok(gql.raw(CATEGORIES, token=make(customer))) == priced_answer({"categories": [{"name": "Fruit"}]})


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_token_on_me_is_a_field_error_saying_why(gql, customer, case):
    make, why = REFUSED[case]
    body = _ok(gql.raw(ME, token=make(customer)))
    assert body["data"] == {"me": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED" and error["path"] == ["me"]
    assert why in error["message"]


@pytest.mark.parametrize("header", ["Basic x", "Bearer", "Token abc"])
def test_a_malformed_authorization_header_is_anonymous_too(gql, operator, header):
    create_category(gql, operator)
    assert _ok(gql.raw(CATEGORIES, headers={"Authorization": header}))["data"]["categories"] == [{"name": "Fruit"}]
    error = _ok(gql.raw(ME, headers={"Authorization": header}))["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED" and "Bearer" in error["message"]


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_token_on_a_mutation_is_a_payload_error_and_changes_nothing(gql, customer, operator, case):
    make, why = REFUSED[case]
    refused = make(customer)
    before = table_snapshot()
    check_in = _ok(gql.raw(CHECK_IN, token=refused))["data"]["checkIn"]
    assert check_in["outcome"] is None
    assert [e["code"] for e in check_in["errors"]] == ["UNAUTHENTICATED"] and why in check_in["errors"][0]["message"]
    created = _ok(gql.raw(CREATE_CATEGORY, {"name": "Forged"}, token=make(operator)))["data"]["createCategory"]
    assert [e["code"] for e in created["errors"]] == ["UNAUTHENTICATED"]
    if case != "deleted user":  # deleting the users is itself a change
        assert table_snapshot() == before


def test_an_unknown_user_s_token_opens_no_team_and_touches_no_post(gql, deal):
    ghost = _unknown_user()
    author = demo_token(gql, "alice", "CUSTOMER")
    post_id = to_global_id("Post", post(_user_id(author), utc_now()))
    author_id = gql(ME, token=author)["data"]["me"]["id"]
    before = table_snapshot()
    opened = _ok(gql.raw(OPEN_TEAM, {"dealId": deal["id"], "skuId": deal["sku"]}, token=ghost))["data"]["openTeam"]
    assert opened["order"] is None and opened["payment"] is None
    assert [e["code"] for e in opened["errors"]] == ["UNAUTHENTICATED"]
    for operation, variables, field in ((LIKE, {"id": post_id}, "likePost"), (COMMENT, {"id": post_id}, "commentOnPost"),
                                        (FOLLOW, {"id": author_id}, "followAuthor")):
        answer = _ok(gql.raw(operation, variables, token=ghost))["data"][field]
        assert [e["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"], field
    assert _ok(gql.raw(CHECK_IN, token=ghost))["data"]["checkIn"]["errors"][0]["code"] == "UNAUTHENTICATED"
    assert table_snapshot() == before


def test_a_demoted_operator_loses_operator_powers_at_once(gql, operator):
    assert create_category(gql, operator, "Fruit")
    _set_role(operator, Role.CUSTOMER)
    refused = gql(CREATE_CATEGORY, {"name": "Tea"}, token=operator)["data"]["createCategory"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert gql(ME, token=operator)["data"]["me"]["role"] == "CUSTOMER"


def test_a_promoted_customer_gains_the_role_without_logging_in_again(gql, customer):
    _set_role(customer, Role.OPERATOR)
    created = gql(CREATE_CATEGORY, {"name": "Tea"}, token=customer)["data"]["createCategory"]
    assert created["errors"] == []


def test_an_authenticated_request_reads_its_user_once_and_a_refused_one_not_at_all(gql, emulator, customer, operator):
    create_category(gql, operator)
    emulator.clear_log()
    me = gql("{ me { id role displayName } categories { name } again: me { displayName } }", token=customer)
    assert from_global_id(me["data"]["me"]["id"], "User")[0] == _user_id(customer)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1}  # the user (shared by both `me`), the categories
    emulator.clear_log()
    gql(CATEGORIES, token=_expired(customer))
    gql(CATEGORIES)
    assert emulator.dynamodb_counts() == {"Query": 2}
