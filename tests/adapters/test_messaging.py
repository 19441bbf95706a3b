"""Which adapter each environment gets (chalicelib/adapters/messaging.py)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.adapters.eventbridge import EventBridgePublisher
from chalicelib.adapters.events import DomainEvent, Notification, NotificationRejected
from chalicelib.adapters.local_outbox import LocalOutbox
from chalicelib.adapters.messaging import event_publisher_for, local_outbox, notifier_for
from chalicelib.adapters.wechat_notify import WechatSubscribeNotifier
from chalicelib.core.settings import settings

TEMPLATES = '{"team_succeeded": "TMPL-1"}'


def no_openid(user_id: str) -> str | None:
    return None


@pytest.fixture
def local():
    return replace(settings(), stage="local")


@pytest.fixture
def prod():
    return replace(settings(), stage="prod", wechat_app_id="wx-app", wechat_app_secret="wx-secret")


def test_the_local_stack_gets_one_shared_local_outbox_for_both_ports(local) -> None:
    # devstack/environment.py sets TUANSTACK_EVENTS/NOTIFICATIONS=local for tests and `make dev`.
    publisher, notifier = event_publisher_for(local), notifier_for(local, no_openid)
    assert isinstance(publisher, LocalOutbox) and publisher is notifier is local_outbox()
    local_outbox().clear()
    publisher.publish([DomainEvent("TeamSucceeded", "team-1", idempotency_key="k")])
    assert [e.subject_id for e in local_outbox().events()] == ["team-1"]
    local_outbox().clear()


def test_the_local_outbox_is_refused_outside_the_local_stage(prod) -> None:
    with pytest.raises(RuntimeError, match="TUANSTACK_EVENTS=local"):
        event_publisher_for(prod, {"TUANSTACK_EVENTS": "local"})
    with pytest.raises(RuntimeError, match="TUANSTACK_NOTIFICATIONS=local"):
        notifier_for(prod, no_openid, {"TUANSTACK_NOTIFICATIONS": "local"})


def test_deployed_stages_default_to_eventbridge_on_the_templates_bus(prod) -> None:
    publisher = event_publisher_for(prod, {"TUANSTACK_EVENT_BUS": "tuanstack-prod-events"})
    assert isinstance(publisher, EventBridgePublisher) and publisher.bus_name == "tuanstack-prod-events"
    # Cached per process: a warm Lambda keeps its client.
    assert event_publisher_for(prod, {"TUANSTACK_EVENT_BUS": "tuanstack-prod-events"}) is publisher
    with pytest.raises(RuntimeError, match="TUANSTACK_EVENT_BUS"):
        event_publisher_for(prod, {})


def test_deployed_stages_default_to_wechat_with_configured_templates(prod) -> None:
    notifier = notifier_for(prod, no_openid, {"WECHAT_SUBSCRIBE_TEMPLATES": TEMPLATES})
    assert isinstance(notifier, WechatSubscribeNotifier)
    # One access-token cache per app per process, shared by every notifier built.
    again = notifier_for(prod, no_openid, {"WECHAT_SUBSCRIBE_TEMPLATES": TEMPLATES})
    assert again._tokens is notifier._tokens


@pytest.mark.parametrize("templates, words", [
    ("{not json", "not valid JSON"),
    ('["TMPL-1"]', "JSON object"),
    ('{"team_succeeded": ""}', "JSON object"),
])
def test_malformed_templates_are_refused_when_the_notifier_is_built(prod, templates, words) -> None:
    with pytest.raises(RuntimeError, match=words):
        notifier_for(prod, no_openid, {"WECHAT_SUBSCRIBE_TEMPLATES": templates})


def test_missing_wechat_configuration_rejects_each_notification_without_calling_out(prod) -> None:
    # Callers (the settlement tasks) count NotificationFailed and carry on: a stage
    # without WeChat set up must not fail its money flows over a message.
    unconfigured = notifier_for(prod, lambda user_id: "o-1", {})
    with pytest.raises(NotificationRejected, match="team_succeeded"):
        unconfigured.notify(Notification("user-1", "team_succeeded"))
    no_credentials = notifier_for(replace(prod, wechat_app_secret=""), lambda user_id: "o-1",
                                  {"WECHAT_SUBSCRIBE_TEMPLATES": TEMPLATES})
    with pytest.raises(NotificationRejected, match="WECHAT_APP_ID"):
        no_credentials.notify(Notification("user-1", "team_succeeded"))


def test_an_unknown_choice_is_refused_naming_the_variable(prod) -> None:
    with pytest.raises(RuntimeError, match="TUANSTACK_EVENTS must be one of eventbridge, local"):
        event_publisher_for(prod, {"TUANSTACK_EVENTS": "sns"})
    with pytest.raises(RuntimeError, match="TUANSTACK_NOTIFICATIONS must be one of wechat, local"):
        notifier_for(prod, no_openid, {"TUANSTACK_NOTIFICATIONS": "sms"})
