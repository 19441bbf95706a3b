"""WeChat mini-program login: a one-time ``code`` from ``wx.login()`` exchanged
server-side (code2session) for the user's openid.

Two adapters behind one port:
- ``Code2Session`` calls WeChat over HTTPS with the app id and secret from configuration;
- ``LocalDemoLogin`` is a SIMULATION for `make dev` and tests: it accepts demo codes
  ``demo:<name>`` and never leaves the machine. It is refused outside the local stage.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from chalicelib.core.errors import LoginFailed
from chalicelib.core.settings import Settings

_CODE = re.compile(r"^[\x21-\x7e]{1,128}$")
# errcodes documented for code2session: what the caller should be told.
_WECHAT_ERRORS = {
    40029: "the login code is invalid",
    40163: "the login code was already used",
    45011: "too many login attempts; wait a minute",
    40226: "WeChat flagged this account as high risk",
}


@dataclass(frozen=True, slots=True)
class WechatIdentity:
    openid: str
    unionid: str | None = None


class WechatLogin(Protocol):
    def exchange(self, code: str) -> WechatIdentity: ...


def _check_code(code: str) -> str:
    if not isinstance(code, str) or not _CODE.match(code):
        raise LoginFailed("the login code is malformed", "code")
    return code


class Code2Session:
    def __init__(self, app_id: str, app_secret: str, api_base: str, timeout_seconds: float = 3.0) -> None:
        if not app_id or not app_secret:
            raise RuntimeError("WECHAT_APP_ID and WECHAT_APP_SECRET must be configured")
        self._app_id = app_id
        self._app_secret = app_secret
        self._api_base = api_base.rstrip("/")
        self._timeout = timeout_seconds

    def exchange(self, code: str) -> WechatIdentity:
        query = urllib.parse.urlencode(
            {"appid": self._app_id, "secret": self._app_secret, "js_code": _check_code(code),
             "grant_type": "authorization_code"}
        )
        try:
            with urllib.request.urlopen(f"{self._api_base}/sns/jscode2session?{query}", timeout=self._timeout) as r:
                body = json.loads(r.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, ValueError):
            # `from None`: the chained error would carry the URL, and the URL holds the secret.
            raise LoginFailed("WeChat login is unavailable; try again") from None
        errcode = body.get("errcode") or 0
        if errcode:
            raise LoginFailed(_WECHAT_ERRORS.get(errcode, f"WeChat refused the login (errcode {errcode})"), "code")
        openid = body.get("openid")
        if not openid:
            raise LoginFailed("WeChat returned no openid")
        # session_key is deliberately dropped: we do not decrypt user data here.
        return WechatIdentity(openid=openid, unionid=body.get("unionid"))


class LocalDemoLogin:
    """Simulated code2session for local development only."""

    _DEMO = re.compile(r"^demo:([a-z0-9-]{1,32})$")

    def exchange(self, code: str) -> WechatIdentity:
        match = self._DEMO.match(_check_code(code))
        if not match:
            raise LoginFailed("locally, log in with a demo code such as 'demo:alice'", "code")
        return WechatIdentity(openid=f"local-openid-{match.group(1)}")


def wechat_login_for(settings: Settings) -> WechatLogin:
    if settings.wechat_login == "local":
        if not settings.is_local:
            raise RuntimeError("the simulated WeChat login is only for the local stage")
        return LocalDemoLogin()
    return Code2Session(settings.wechat_app_id, settings.wechat_app_secret, settings.wechat_api_base)
