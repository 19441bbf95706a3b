"""What happens when an after-sales deadline passes (the after_sales_deadline timer's task).
Time decides: a phase acts only once its instant has passed (``not_yet`` before, which the
machine retries), and only on a request still waiting in that phase; a request a person moved
on meanwhile is left alone. The transition is conditional, so a timer racing a merchant gives
one outcome.

- decision: still AWAITING_DECISION at decide_by → approved automatically;
- send_back: still AWAITING_RETURN at send_by → closed (the units are free again);
- receipt: still RETURNING at receive_by → received automatically: stock back, refund.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.aftersales import service, store
from chalicelib.aftersales.rules import Actor, RequestState
from chalicelib.core.observability import count

PHASES = {
    "decision": (RequestState.AWAITING_DECISION, "decide_by"),
    "send_back": (RequestState.AWAITING_RETURN, "send_by"),
    "receipt": (RequestState.RETURNING, "receive_by"),
}


def deadline_passed(request_id: str, phase: str, now: datetime) -> str:
    """'acted', 'moved_on' (someone acted first, or it is in another phase), 'not_yet', 'unknown'."""
    if phase not in PHASES:
        raise ValueError(f"no such after-sales phase: {phase!r}")
    request = store.get_request(request_id)
    if request is None:
        return "unknown"
    waiting, instant_field = PHASES[phase]
    if request.state is not waiting:
        return "moved_on"
    instant = getattr(request, instant_field)
    if instant is None:
        return "moved_on"
    if now < instant:
        return "not_yet"
    if phase == "decision":
        acted = service.approve_now(request, Actor.SYSTEM, None, now, reason="no decision by the deadline")
        count("AfterSalesAutoApproved", int(acted))
    elif phase == "send_back":
        acted = store.transition(request, RequestState.CLOSED, leaving=(RequestState.AWAITING_RETURN,),
                                 actor=Actor.SYSTEM, actor_id=None, action="NOT_SENT_BACK", now=now,
                                 reason="not sent back by the deadline")
    else:
        acted = service.receive_now(request, Actor.SYSTEM, None, now)
        count("AfterSalesAutoReceived", int(acted))
    return "acted" if acted else "moved_on"
