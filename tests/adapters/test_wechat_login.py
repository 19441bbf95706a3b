"""The real code2session adapter against a stand-in WeChat server on 127.0.0.1,
and the local simulation's limits."""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from chalicelib.adapters.wechat_login import Code2Session, LocalDemoLogin, wechat_login_for
from chalicelib.core.errors import LoginFailed
from chalicelib.core.settings import settings


class FakeWechat(BaseHTTPRequestHandler):
    seen: list[dict] = []
    answers: dict[str, dict] = {}

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        FakeWechat.seen.append({"path": url.path, **query})
        body = json.dumps(FakeWechat.answers.get(query.get("js_code"), {"errcode": 40029, "errmsg": "invalid code"}))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def wechat():
    server = HTTPServer(("127.0.0.1", 0), FakeWechat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeWechat.seen, FakeWechat.answers = [], {}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_code2session_sends_app_credentials_and_returns_the_openid(wechat):
    FakeWechat.answers["good-code"] = {"openid": "o-123", "session_key": "sk", "unionid": "u-9"}
    identity = Code2Session("wx-app", "wx-secret", wechat).exchange("good-code")
    assert (identity.openid, identity.unionid) == ("o-123", "u-9")
    assert FakeWechat.seen == [{"path": "/sns/jscode2session", "appid": "wx-app", "secret": "wx-secret",
                                "js_code": "good-code", "grant_type": "authorization_code"}]


@pytest.mark.parametrize("answer, words", [
    ({"errcode": 40029, "errmsg": "invalid code"}, "invalid"),
    ({"errcode": 40163, "errmsg": "code been used"}, "already used"),
    ({"errcode": 45011, "errmsg": "api minute-quota reach limit"}, "too many"),
    ({"errcode": -1, "errmsg": "system error"}, "errcode -1"),
    ({"session_key": "sk"}, "no openid"),
])
def test_code2session_refusals_become_login_failed(wechat, answer, words):
    FakeWechat.answers["c"] = answer
    with pytest.raises(LoginFailed) as caught:
        Code2Session("wx-app", "wx-secret", wechat).exchange("c")
    assert words in caught.value.message


def test_an_unreachable_wechat_fails_without_leaking_the_secret():
    with pytest.raises(LoginFailed) as caught:
        Code2Session("wx-app", "wx-secret-value", "http://127.0.0.1:9", timeout_seconds=1).exchange("c")
    assert "unavailable" in caught.value.message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "wx-secret-value" not in repr(caught.value)


def test_malformed_codes_never_reach_wechat(wechat):
    for code in ("", "x" * 129, "has space", "中文"):
        with pytest.raises(LoginFailed):
            Code2Session("wx-app", "wx-secret", wechat).exchange(code)
    assert FakeWechat.seen == []


def test_the_simulation_accepts_only_demo_codes_and_only_in_the_local_stage():
    assert LocalDemoLogin().exchange("demo:alice").openid == "local-openid-alice"
    with pytest.raises(LoginFailed):
        LocalDemoLogin().exchange("a-real-looking-code")
    with pytest.raises(RuntimeError):
        wechat_login_for(replace(settings(), stage="prod", wechat_login="local"))
    assert isinstance(wechat_login_for(replace(settings(), wechat_login="wechat", wechat_app_id="a",
                                               wechat_app_secret="b")), Code2Session)


def test_login_through_graphql_creates_one_customer_per_identity(gql):
    query = "mutation($c: String!) { loginWithWechat(input: {code: $c}) { user { id role } errors { code } } }"
    first = gql(query, {"c": "demo:zoe"})["data"]["loginWithWechat"]
    again = gql(query, {"c": "demo:zoe"})["data"]["loginWithWechat"]
    assert first["user"]["role"] == "CUSTOMER" and first["user"]["id"] == again["user"]["id"]
    refused = gql(query, {"c": "nonsense"})["data"]["loginWithWechat"]
    assert refused["user"] is None and refused["errors"][0]["code"] == "LOGIN_FAILED"
