"""Subscribe messages to users, best effort, for every feature: accounts resolves each user's
openid (personal data: never logged). A message never holds up money or stock: one that cannot
be sent is counted (NotificationsFailed) and logged without the user's openid, not retried."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.accounts.published.users import wechat_openid
from chalicelib.adapters.events import Notification, NotificationFailed
from chalicelib.core.observability import count, logger
from chalicelib.core.settings import settings


def notify_users(user_ids: Iterable[str], template: str, data: Mapping[str, str]) -> None:
    from chalicelib.adapters.messaging import notifier_for

    user_ids = list(user_ids)
    try:
        notifier = notifier_for(settings(), wechat_openid)
    except RuntimeError:  # not configured: say so loudly, carry on
        count("NotificationsFailed", len(user_ids))
        logger.exception("notifier not configured; notifications not sent", extra={"template": template})
        return
    for user_id in user_ids:
        try:
            notifier.notify(Notification(user_id=user_id, template=template, data=dict(data)))
        except NotificationFailed as error:
            count("NotificationsFailed")
            logger.warning("notification not sent", extra={
                "template": template, "user_id": user_id, "error": type(error).__name__})
