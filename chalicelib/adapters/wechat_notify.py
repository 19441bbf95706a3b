"""Notifications as WeChat mini-program subscribe messages (the real ``Notifier``).

POST {api_base}/cgi-bin/message/subscribe/send?access_token=... with the user's
openid, the WeChat template id for our template name, the page to open and the
data as ``{key: {"value": ...}}``. The access token comes from the stable token
API and is cached per process until shortly before it expires.

The openid and the access token are personal data and a credential: they go to
WeChat and nowhere else (no log line, no exception message, no chained error,
since a urllib error carries the URL and the URL carries the token).
"""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.adapters.events import Notification, NotificationFailed, NotificationRejected
from chalicelib.core.observability import count, logger

USER_REFUSED = 43101  # the user did not subscribe (or spent the one message a subscription allows)
TOKEN_INVALID = frozenset({40001, 42001})  # invalid credential / access_token expired
# Worth a Step Functions retry: system busy, rate limits. Any other errcode is
# about this message or our configuration and becomes NotificationRejected.
TRANSIENT = frozenset({-1, 45009, 45011}) | TOKEN_INVALID
# Refresh this long before WeChat's expiry: a token read just before it expires
# could die in flight.
REFRESH_MARGIN_SECONDS = 300


class StableAccessToken:
    """The app's access_token from /cgi-bin/stable_token, cached until shortly before expiry.

    Normal mode (no force_refresh) on purpose: it returns the token currently
    valid for the app, fresh if ours expired or was replaced, without
    invalidating the tokens other warm Lambdas hold. force_refresh is rate
    limited per day and would invalidate theirs.
    """

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        api_base: str,
        *,
        timeout_seconds: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._url = f"{api_base.rstrip('/')}/cgi-bin/stable_token"
        self._timeout = timeout_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def get(self) -> str:
        if not self._app_id or not self._app_secret:
            # Raised here, not in the constructor: a stage without WeChat credentials
            # gets rejected notifications (counted by callers), not failed workflows.
            raise NotificationRejected("WECHAT_APP_ID and WECHAT_APP_SECRET must be configured")
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                self._fetch()
            return self._token  # type: ignore[return-value]

    def invalidate(self, token: str) -> None:
        """WeChat rejected ``token``: forget it, unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> None:
        body = _post_json(self._url, {"grant_type": "client_credential", "appid": self._app_id,
                                      "secret": self._app_secret}, self._timeout)
        errcode = body.get("errcode") or 0
        token = body.get("access_token")
        if errcode or not token:
            # Bad app id/secret or a caller IP not on the allow list (40164) is
            # configuration: rejected. errmsg is left out: it can echo the request.
            error = NotificationFailed if not errcode or errcode in TRANSIENT else NotificationRejected
            raise error(f"WeChat gave no access token (errcode {errcode})", errcode or None)
        expires_in = int(body.get("expires_in") or 7200)
        self._token = token
        self._refresh_at = self._clock() + max(expires_in - REFRESH_MARGIN_SECONDS, 0)


class WechatSubscribeNotifier:
    def __init__(
        self,
        tokens: StableAccessToken,
        templates: Mapping[str, str],
        resolve_openid: Callable[[str], str | None],
        api_base: str,
        *,
        timeout_seconds: float = 3.0,
    ) -> None:
        self._tokens = tokens
        self._templates = dict(templates)  # our template name -> WeChat template id
        self._resolve_openid = resolve_openid
        self._url = f"{api_base.rstrip('/')}/cgi-bin/message/subscribe/send"
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self._skipped: Counter[str] = Counter()

    @property
    def skipped(self) -> dict[str, int]:
        """Notifications not sent and not errors, by reason ("refused", "no_openid")."""
        with self._lock:
            return dict(self._skipped)

    def notify(self, notification: Notification) -> None:
        template_id = self._templates.get(notification.template)
        if not template_id:
            raise NotificationRejected(f"no WeChat template id configured for {notification.template!r}")
        openid = self._resolve_openid(notification.user_id)
        if not openid:
            self._skip("no_openid", notification)
            return
        message: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in notification.data.items()},
        }
        if notification.page:
            message["page"] = notification.page
        token = self._tokens.get()
        errcode = self._send(message, token)
        if errcode in TOKEN_INVALID:
            # Once: a token that another process replaced or that just expired is
            # fixed by one refresh; a second refusal is not ours to loop on.
            self._tokens.invalidate(token)
            errcode = self._send(message, self._tokens.get())
        if errcode == 0:
            return
        if errcode == USER_REFUSED:
            self._skip("refused", notification)
            return
        error = NotificationFailed if errcode in TRANSIENT else NotificationRejected
        raise error(f"WeChat did not send the {notification.template!r} message (errcode {errcode})", errcode)

    def _send(self, message: dict[str, Any], token: str) -> int:
        url = f"{self._url}?{urllib.parse.urlencode({'access_token': token})}"
        return int(_post_json(url, message, self._timeout).get("errcode") or 0)

    def _skip(self, reason: str, notification: Notification) -> None:
        with self._lock:
            self._skipped[reason] += 1
        count("NotificationsSkipped")
        logger.info("notification skipped", extra={
            "reason": reason, "user_id": notification.user_id, "template": notification.template})


def _post_json(url: str, payload: Mapping[str, Any], timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError):  # URLError, HTTPError and timeouts are OSErrors; ValueError: not JSON
        # `from None`: the chained error would carry the URL, and the URL holds the token.
        raise NotificationFailed("WeChat is unavailable; try again") from None
    if not isinstance(body, dict):
        raise NotificationFailed("WeChat answered something other than a JSON object")
    return body
