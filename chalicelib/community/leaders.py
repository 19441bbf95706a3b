"""Leaders: apply, the operators' decisions, and the reads (public, the leader's own, the operators').

DynamoDB requests (the caller's own GetItem apart): applying, a GetItem, a PutItem and a GetItem to answer;
approving, a GetItem, one TransactWriteItems and a GetItem to answer; rejecting, suspending or reinstating,
a GetItem then an UpdateItem; a page of the pending queue or of a district's leaders, one Query whatever its
size; a leader by code, two GetItems.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.community import rules, store
from chalicelib.community.rules import (
    Application,
    Leader,
    LeaderAction,
    LeaderNotFound,
    check_may_act,
    check_may_apply,
    clean_application,
    clean_reason,
)
from chalicelib.core.errors import InvalidState, ValidationFailed
from chalicelib.core.ids import is_share_code, new_share_code
from chalicelib.core.principal import Principal, Role, require_role, require_user
from chalicelib.core.table.paging import Page, PageRequest, checked_request

MAX_PAGE = 100
CODE_ATTEMPTS = 3  # 80 random bits: a clash is all but impossible; retried rather than assumed away
_DISTRICT_DIGITS = 6


class ApplicationRaced(rules.ApplicationPending):
    """Another apply of the same user changed the application between this one's read and its write."""

    def __init__(self) -> None:
        super().__init__("your application changed meanwhile: read it again")


def apply(principal: Principal | None, application: Application, now: datetime) -> Leader:
    """A customer applies with a pickup point: PENDING, in the operators' queue. One application per user."""
    caller = require_role(principal, Role.CUSTOMER)
    display_name, point = clean_application(application)
    existing = store.get_leader(caller.user_id)
    check_may_apply(existing)
    if not store.put_application(caller.user_id, display_name, point, now, replacing=existing):
        # Another apply of this user won the race: tell the caller what it left.
        check_may_apply(store.get_leader(caller.user_id))
        raise ApplicationRaced()
    found = store.get_leader(caller.user_id)
    assert found is not None
    return found


def decide(principal: Principal | None, leader_id: str, action: LeaderAction, reason: object,
           now: datetime) -> Leader:
    """An operator approves, rejects (with a reason), suspends (with a reason) or reinstates a leader. Each
    is conditioned on the state it leaves: of two operators racing, one decides, the other gets INVALID_STATE."""
    operator = require_role(principal, Role.OPERATOR)
    why = clean_reason(reason) if action.needs_reason else (None if reason is None else clean_reason(reason))
    leader = store.get_leader(leader_id) if leader_id else None
    if leader is None:
        raise LeaderNotFound("no such leader application", "leaderId")
    check_may_act(leader, action)
    if action is LeaderAction.APPROVE:
        return _approve(leader, operator.user_id, now)
    changed = store.transition(leader, action, operator.user_id, why, now)
    if changed is None:
        raise _moved(leader_id)
    return changed


def _approve(leader: Leader, operator_id: str, now: datetime) -> Leader:
    for _ in range(CODE_ATTEMPTS):
        outcome = store.approve(leader, new_share_code(), operator_id, now)
        if outcome == "moved":
            raise _moved(leader.id)
        if outcome == "approved":
            approved = store.get_leader(leader.id)
            assert approved is not None
            return approved
    raise RuntimeError("no free leader code after several attempts")


def _moved(leader_id: str) -> InvalidState:
    found = store.get_leader(leader_id)
    state = "gone" if found is None else found.state.value
    return InvalidState(f"another operator decided first: the leader is {state} now", "leaderId")


# ---------------------------------------------------------------- reads
def public_leader(leader_id: str) -> Leader | None:
    """A leader anyone may see (approved, or suspended and shown as such); None for an application."""
    found = store.get_leader(leader_id, consistent=False)
    return found if found is not None and found.is_public else None


def visible_leader(principal: Principal | None, leader_id: str) -> Leader | None:
    """``node(id:)``: public leaders to anyone; an application to its applicant and operators only."""
    found = store.get_leader(leader_id, consistent=False)
    if found is None:
        return None
    if found.is_public or _is_operator(principal) or (principal is not None and principal.user_id == found.id):
        return found
    return None


def leader_by_code(code: str) -> Leader | None:
    """The leader a share card's code names (its scene); None for an unknown code."""
    if not is_share_code(code):
        return None
    leader_id = store.leader_id_of_code(code)
    return None if leader_id is None else public_leader(leader_id)


def my_leadership(principal: Principal | None, user_id: str) -> Leader | None:
    """The caller's own application or leader record (with its audit trail and mobile)."""
    caller = require_user(principal)
    if caller.user_id != user_id:
        return None
    return store.get_leader(user_id)


def pending_applications(principal: Principal | None, request: PageRequest) -> Page[Leader]:
    require_role(principal, Role.OPERATOR)
    return store.pending_applications(checked_request(request, None, MAX_PAGE, lambda p: "#" in p))


def district_leaders(district_code: str, request: PageRequest) -> Page[Leader]:
    """Approved leaders of a district, public (neighbours pick one before signing in)."""
    if not (isinstance(district_code, str) and len(district_code) == _DISTRICT_DIGITS and district_code.isascii()
            and district_code.isdigit()):
        raise ValidationFailed("must be a six-digit GB/T 2260 district code", "districtCode")
    return store.district_leaders(district_code, checked_request(request, None, MAX_PAGE, lambda p: bool(p)))


def _is_operator(principal: Principal | None) -> bool:
    return principal is not None and principal.role is Role.OPERATOR


def may_see_private(principal: Principal | None, leader: Leader) -> bool:
    """The contact mobile and the audit trail: the leader and operators."""
    return rules.may_see_private(None if principal is None else principal.user_id, _is_operator(principal), leader)
