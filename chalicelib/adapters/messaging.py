"""Choose the adapters behind the events and notifications ports.

    TUANSTACK_EVENTS         eventbridge (default) | local
    TUANSTACK_NOTIFICATIONS  wechat (default)      | local
    TUANSTACK_EVENT_BUS      the bus name (set by infra/template.json)
    WECHAT_SUBSCRIBE_TEMPLATES  JSON {"team_succeeded": "<WeChat template id>", ...}

The local adapter is one ``LocalOutbox`` per process (``local_outbox()``), so
tests and the dev console see everything either port received; it is refused
outside the local stage, like the simulated login. Real adapters are cached per
process too: a warm Lambda keeps its boto3 client and its WeChat access token.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from functools import lru_cache

from chalicelib.adapters.eventbridge import EventBridgePublisher
from chalicelib.adapters.events import EventPublisher, Notifier
from chalicelib.adapters.local_outbox import LocalOutbox
from chalicelib.adapters.wechat_notify import StableAccessToken, WechatSubscribeNotifier
from chalicelib.core.settings import Settings

EVENTS_VAR = "TUANSTACK_EVENTS"
NOTIFICATIONS_VAR = "TUANSTACK_NOTIFICATIONS"
EVENT_BUS_VAR = "TUANSTACK_EVENT_BUS"
TEMPLATES_VAR = "WECHAT_SUBSCRIBE_TEMPLATES"


def event_publisher_for(settings: Settings, environ: Mapping[str, str] = os.environ) -> EventPublisher:
    choice = _choice(environ, EVENTS_VAR, "eventbridge", ("eventbridge", "local"))
    if choice == "local":
        return _local(settings, EVENTS_VAR)
    return _eventbridge(environ.get(EVENT_BUS_VAR, ""), settings.region)


def notifier_for(
    settings: Settings, resolve_openid: Callable[[str], str | None], environ: Mapping[str, str] = os.environ
) -> Notifier:
    choice = _choice(environ, NOTIFICATIONS_VAR, "wechat", ("wechat", "local"))
    if choice == "local":
        return _local(settings, NOTIFICATIONS_VAR)
    return WechatSubscribeNotifier(
        _access_token(settings.wechat_app_id, settings.wechat_app_secret, settings.wechat_api_base),
        _templates(environ.get(TEMPLATES_VAR, "")),
        resolve_openid,
        settings.wechat_api_base,
    )


@lru_cache(maxsize=1)
def local_outbox() -> LocalOutbox:
    """The process's one local outbox (tests inspect and clear it)."""
    return LocalOutbox()


def _local(settings: Settings, variable: str) -> LocalOutbox:
    if not settings.is_local:
        raise RuntimeError(f"{variable}=local (the local outbox) is only for the local stage")
    return local_outbox()


def _choice(environ: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = environ.get(name) or default
    if value not in allowed:
        raise RuntimeError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


@lru_cache(maxsize=4)
def _eventbridge(bus_name: str, region: str) -> EventBridgePublisher:
    return EventBridgePublisher(bus_name, region=region)


@lru_cache(maxsize=4)
def _access_token(app_id: str, app_secret: str, api_base: str) -> StableAccessToken:
    return StableAccessToken(app_id, app_secret, api_base)


def _templates(raw: str) -> dict[str, str]:
    try:
        templates = json.loads(raw) if raw else {}
    except ValueError:
        raise RuntimeError(f"{TEMPLATES_VAR} is not valid JSON") from None
    if not isinstance(templates, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in templates.items()
    ):
        raise RuntimeError(f"{TEMPLATES_VAR} must be a JSON object of template name to WeChat template id")
    # Empty is allowed: each notification is then rejected (NotificationRejected),
    # which callers count and log, rather than failing a settlement over a message.
    return templates
