"""Re-arm the timers and pending work of restored items.

Step Functions executions are not saved with the state file, and the restored
stack's stream starts from LATEST, so nothing would start them again: a paid
leader's team would stay OPEN past its deadline, an unpaid seat would hold its stock
forever. After a restore every item that has a timer or pending work gets it again,
the way it got it the first time:

- an OPEN team, a HELD reservation (paid for or not, expired or not) and an AWAITING
  checkout payment: the table stream consumer is handed the item as a new (INSERT)
  record, so it starts the same execution, same name and input, as when the item was
  first written (and announces the team again: TeamOpened carries an idempotency key);
- an order or a checkout payment in REFUNDING: its refund execution
  (`<order or payment id>-<refund attempt>`);
- a SUCCEEDED team with orders still awaiting it: its settlement.

Executions are named after what they look after, so a start that already happened
does nothing.
"""
from __future__ import annotations

import logging
import os
from typing import Any

from devstack import naming
from devstack.context import LambdaContext
from devstack.project import dynamodb_stream_consumers
from devstack.state import _scan

log = logging.getLogger("devstack")
BATCH = 100
# Items whose timer the stream starts when they are written: re-armed as if written again.
_ARMED_WHEN_NEW = (("Team", "OPEN"), ("Reservation", "HELD"), ("Payment", "AWAITING"))


def _text(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.get("S") if value else None


def rearm(app: Any, endpoint_url: str, region: str, table_name: str) -> dict[str, int]:
    from chalicelib.core.executions import start_once
    from chalicelib.groupbuy.stream_handlers import REFUND_ARN, TEAM_SETTLEMENT_ARN

    items = _scan(endpoint_url, region, table_name)
    timers = [item for item in items
              if (_text(item, "type"), _text(item, "state")) in _ARMED_WHEN_NEW]
    for start in range(0, len(timers), BATCH):
        _deliver_as_new(app, timers[start:start + BATCH], region, table_name)
    refunds = 0
    awaiting_teams = set()
    for item in items:
        if (_text(item, "type"), _text(item, "state")) == ("Payment", "REFUNDING"):
            payment_id = _text(item, "payment_id")
            attempt = int((item.get("refund_attempt") or {}).get("N", "0"))
            refunds += start_once(os.environ[REFUND_ARN], f"{payment_id}-{attempt}", {"paymentId": payment_id})
            continue
        if _text(item, "type") != "Order":
            continue
        state, order_id = _text(item, "state"), _text(item, "order_id")
        if state == "REFUNDING":
            attempt = int((item.get("refund_attempt") or {}).get("N", "0"))
            refunds += start_once(os.environ[REFUND_ARN], f"{order_id}-{attempt}", {"orderId": order_id})
        elif state == "PAID_AWAITING_TEAM":
            awaiting_teams.add(_text(item, "team_id"))
    settlements = 0
    for item in items:
        team_id = _text(item, "team_id")
        if _text(item, "type") == "Team" and _text(item, "state") == "SUCCEEDED" and team_id in awaiting_teams:
            settlements += start_once(os.environ[TEAM_SETTLEMENT_ARN], team_id, {"teamId": team_id})
    counts = {"teams": sum(_text(i, "type") == "Team" for i in timers),
              "reservations": sum(_text(i, "type") == "Reservation" for i in timers),
              "payments": sum(_text(i, "type") == "Payment" for i in timers),
              "refunds": refunds, "settlements": settlements}
    log.info("re-armed timers of restored items: %s", counts)
    return counts


def _deliver_as_new(app: Any, items: list[dict[str, Any]], region: str, table_name: str) -> None:
    stream_arn = f"{naming.table_arn(table_name, region)}/stream/restored"
    records = [{
        "eventID": f"restored-{number}", "eventName": "INSERT", "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": region, "eventSourceARN": stream_arn,
        "dynamodb": {"Keys": {"PK": item["PK"], "SK": item["SK"]}, "NewImage": item,
                     "SequenceNumber": str(number), "StreamViewType": "NEW_AND_OLD_IMAGES"},
    } for number, item in enumerate(items, 1)]
    for source in dynamodb_stream_consumers(app):
        context = LambdaContext(function_name=naming.function_name(source.name),
                                invoked_function_arn=naming.function_arn(source.name, region))
        result = app.handler_map[source.name]({"Records": records}, context) or {}
        if result.get("batchItemFailures"):
            log.warning("re-arming: %d restored item(s) could not be handed to %s",
                        len(result["batchItemFailures"]), source.name)
