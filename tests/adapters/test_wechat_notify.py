"""WechatSubscribeNotifier and StableAccessToken against a stand-in WeChat server
on 127.0.0.1 that answers from a script and records what it was sent."""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from chalicelib.adapters.events import Notification, NotificationFailed, NotificationRejected
from chalicelib.adapters.wechat_notify import REFRESH_MARGIN_SECONDS, StableAccessToken, WechatSubscribeNotifier
from chalicelib.core.observability import logger

OPENID = "o-openid-of-alice"
SECRET = "wx-secret-value"
TEMPLATES = {"team_succeeded": "TMPL-SUCCEEDED", "team_failed_refunded": "TMPL-REFUNDED"}


class FakeWechat(BaseHTTPRequestHandler):
    """Token answers are served in order (the last one repeats); so are send answers."""

    requests: list[dict] = []
    token_answers: list[dict] = []
    send_answers: list[dict] = []

    def do_POST(self):
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        FakeWechat.requests.append({"path": url.path, "query": query, "body": body})
        answers = FakeWechat.token_answers if url.path == "/cgi-bin/stable_token" else FakeWechat.send_answers
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def wechat():
    server = HTTPServer(("127.0.0.1", 0), FakeWechat)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    FakeWechat.requests = []
    FakeWechat.token_answers = [{"access_token": "token-1", "expires_in": 7200}]
    FakeWechat.send_answers = [{"errcode": 0, "errmsg": "ok"}]
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(wechat: str, clock: Clock | None = None, openids: dict | None = None):
    tokens = StableAccessToken("wx-app", SECRET, wechat, clock=clock or Clock())
    lookup = {"user-1": OPENID} if openids is None else openids
    return WechatSubscribeNotifier(tokens, TEMPLATES, lookup.get, wechat)


def sends() -> list[dict]:
    return [r for r in FakeWechat.requests if r["path"] == "/cgi-bin/message/subscribe/send"]


def token_fetches() -> list[dict]:
    return [r for r in FakeWechat.requests if r["path"] == "/cgi-bin/stable_token"]


SUCCEEDED = Notification("user-1", "team_succeeded", {"thing1": "Mango box", "amount2": "39.90"}, "pages/team/index?id=t1")


def test_a_subscribe_message_goes_to_the_users_openid_with_the_wechat_template(wechat) -> None:
    make(wechat).notify(SUCCEEDED)
    assert token_fetches() == [{"path": "/cgi-bin/stable_token", "query": {},
                                "body": {"grant_type": "client_credential", "appid": "wx-app", "secret": SECRET}}]
    assert sends() == [{
        "path": "/cgi-bin/message/subscribe/send",
        "query": {"access_token": "token-1"},
        "body": {"touser": OPENID, "template_id": "TMPL-SUCCEEDED", "page": "pages/team/index?id=t1",
                 "data": {"thing1": {"value": "Mango box"}, "amount2": {"value": "39.90"}}},
    }]


def test_the_token_is_reused_until_shortly_before_it_expires(wechat) -> None:
    clock = Clock()
    notifier = make(wechat, clock)
    notifier.notify(SUCCEEDED)
    clock.now += 7200 - REFRESH_MARGIN_SECONDS - 1
    notifier.notify(SUCCEEDED)
    assert len(token_fetches()) == 1
    FakeWechat.token_answers = [{"access_token": "token-2", "expires_in": 7200}]
    clock.now += 1
    notifier.notify(SUCCEEDED)
    assert len(token_fetches()) == 2
    assert [s["query"]["access_token"] for s in sends()] == ["token-1", "token-1", "token-2"]


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_an_invalid_or_expired_token_is_refreshed_once_and_the_message_resent(wechat, errcode) -> None:
    FakeWechat.token_answers = [{"access_token": "token-1", "expires_in": 7200},
                                {"access_token": "token-2", "expires_in": 7200}]
    FakeWechat.send_answers = [{"errcode": errcode, "errmsg": "invalid credential"}, {"errcode": 0}]
    make(wechat).notify(SUCCEEDED)
    assert [s["query"]["access_token"] for s in sends()] == ["token-1", "token-2"]


def test_a_token_refused_again_after_the_refresh_fails_without_looping(wechat) -> None:
    FakeWechat.send_answers = [{"errcode": 40001, "errmsg": "invalid credential"}]
    with pytest.raises(NotificationFailed) as caught:
        make(wechat).notify(SUCCEEDED)
    assert caught.value.errcode == 40001 and not isinstance(caught.value, NotificationRejected)
    assert len(sends()) == 2 and len(token_fetches()) == 2


def test_a_user_who_did_not_subscribe_is_skipped_and_counted(wechat) -> None:
    FakeWechat.send_answers = [{"errcode": 43101, "errmsg": "user refuse to accept the msg"}]
    notifier = make(wechat)
    notifier.notify(SUCCEEDED)
    notifier.notify(SUCCEEDED)
    assert notifier.skipped == {"refused": 2}
    assert len(sends()) == 2


def test_a_user_without_an_openid_is_skipped_without_calling_wechat(wechat) -> None:
    notifier = make(wechat, openids={})
    notifier.notify(SUCCEEDED)
    assert notifier.skipped == {"no_openid": 1}
    assert FakeWechat.requests == []


@pytest.mark.parametrize("errcode, error", [
    (-1, NotificationFailed),  # system busy: worth a retry
    (45009, NotificationFailed),  # rate limited
    (40003, NotificationRejected),  # invalid openid
    (47003, NotificationRejected),  # template data invalid
])
def test_other_errcodes_raise_typed_errors_without_personal_data(wechat, errcode, error) -> None:
    FakeWechat.send_answers = [{"errcode": errcode, "errmsg": f"refused {OPENID}"}]
    with pytest.raises(error) as caught:
        make(wechat).notify(SUCCEEDED)
    assert type(caught.value) is error and caught.value.errcode == errcode
    assert f"errcode {errcode}" in str(caught.value)
    for private in (OPENID, "token-1", "Mango box"):
        assert private not in str(caught.value)


def test_an_unknown_template_name_is_rejected_before_any_call(wechat) -> None:
    with pytest.raises(NotificationRejected, match="team_expired"):
        make(wechat).notify(Notification("user-1", "team_expired"))
    assert FakeWechat.requests == []


def test_a_refused_token_request_names_the_errcode_not_the_secret(wechat) -> None:
    FakeWechat.token_answers = [{"errcode": 40125, "errmsg": f"invalid appsecret {SECRET}"}]
    with pytest.raises(NotificationRejected) as caught:
        make(wechat).notify(SUCCEEDED)
    assert "40125" in str(caught.value) and SECRET not in str(caught.value)
    assert sends() == []


def test_an_unreachable_wechat_fails_without_chaining_the_url_that_holds_the_token() -> None:
    notifier = make("http://127.0.0.1:9")
    with pytest.raises(NotificationFailed) as caught:
        notifier.notify(SUCCEEDED)
    assert type(caught.value) is NotificationFailed and "unavailable" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_logs_never_carry_the_openid_the_token_or_the_secret(wechat, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="tuanstack")
    logger.setLevel("DEBUG")
    try:
        FakeWechat.send_answers = [{"errcode": 40001}, {"errcode": 43101}]
        notifier = make(wechat)
        notifier.notify(SUCCEEDED)
        make(wechat, openids={}).notify(SUCCEEDED)
    finally:
        logger.setLevel("WARNING")
    # Each record as the JSON line Lambda would print, extra keys included.
    output = "\n".join(logger.registered_formatter.format(record) for record in caplog.records)
    assert output.count('"message":"notification skipped"') == 2 and '"user_id":"user-1"' in output
    for private in (OPENID, "token-1", SECRET, "Mango box"):
        assert private not in output
