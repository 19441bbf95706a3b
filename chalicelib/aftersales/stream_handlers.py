"""After-sales' reactions to its requests' changes:

- a deadline timer (after_sales_deadline) for each waiting phase, named ``<request>-<phase>``:
  inserted AWAITING_DECISION → decision; moved to AWAITING_RETURN → send_back; to RETURNING → receipt;
- REFUNDING (approved, received, a dispute refunded, a compensation, an operator's retry:
  refund_attempt + 1) → the shared refund workflow, named ``A<request>-<attempt>``;
- REFUNDED → points, coupons (follow_ups.after_refund);
- every state change → an event, and the customer's message where one is due.

Step Functions refuses a second execution of a name, so a redelivered record starts nothing twice.
"""
from __future__ import annotations

import os

from chalicelib.core.clock import from_iso, utc_now
from chalicelib.core.executions import start_once
from chalicelib.core.observability import logger
from chalicelib.core.stream import Change, Image, on_change

DEADLINE_ARN = "TUANSTACK_AFTER_SALES_DEADLINE_SFN_ARN"
REFUND_ARN = "TUANSTACK_REFUND_SFN_ARN"
PHASE_OF_STATE = {"AWAITING_DECISION": ("decision", "decide_by"), "AWAITING_RETURN": ("send_back", "send_by"),
                  "RETURNING": ("receipt", "receive_by")}


@on_change("AfterSalesRequest")
def request_changed(change: Change) -> None:
    if not (change.inserted or change.modified):
        return
    new = change.new
    request_id, state = new["request_id"], new.get("state")
    moved = change.inserted or change.moved("state")
    if moved and state in PHASE_OF_STATE:
        phase, instant = PHASE_OF_STATE[state]
        started = start_once(os.environ[DEADLINE_ARN], f"{request_id}-{phase}",
                             {"requestId": request_id, "phase": phase, "at": new[instant]})
        logger.debug("after-sales deadline", extra={"started": started, "phase": phase})
    if state == "REFUNDING":
        attempt = new.number("refund_attempt")
        if change.inserted or change.old.get("state") != "REFUNDING" or change.old.number("refund_attempt") != attempt:
            started = start_once(os.environ[REFUND_ARN], f"A{request_id}-{attempt}", {"requestId": request_id})
            logger.debug("after-sales refund", extra={"started": started, "attempt": attempt})
    if moved:
        _follow(change)


def _follow(change: Change) -> None:
    from chalicelib.aftersales import follow_ups, store

    new = change.new
    request = store.get_request(new["request_id"]) if new.get("state") == "REFUNDED" else None
    if request is not None:
        follow_ups.after_refund(request, from_iso(new["refunded_at"]) if new.get("refunded_at") else utc_now())
    amount = sum(Image(line).number("amount") for line in new.get("lines") or []) + new.number("shipping")
    follow_ups.publish_transition(new["request_id"], new["order_id"], new["user_id"], new["state"],
                                  None if change.inserted else change.old.get("state"), amount, new["kind"])
