"""A customer's chosen leader (remembered): whose pickup point their community orders go to.

DynamoDB requests (the caller's own GetItem apart): choosing by code, a GetItem of the code, a GetItem of the
leader, then ONE TransactWriteItems (the choice, and a check that the leader is still APPROVED); by leader id,
the code's GetItem is skipped. Reading the choice: two GetItems (the choice, then its leader).
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.community import store
from chalicelib.community.rules import Leader, LeaderNotApproved, LeaderNotFound, LeaderState, check_choosable
from chalicelib.core.ids import is_share_code
from chalicelib.core.principal import Principal, Role, require_role, require_user


def choose(principal: Principal | None, now: datetime, *, code: str | None = None,
           leader_id: str | None = None) -> Leader:
    """Remember the caller's leader, named by its share code or its id (exactly one): only an APPROVED one."""
    caller = require_role(principal, Role.CUSTOMER)
    if (code is None) == (leader_id is None):
        raise LeaderNotFound("give the leader's code or its id, one of the two", "code")
    if code is not None:
        found_id = store.leader_id_of_code(code) if is_share_code(code) else None
        if found_id is None:
            raise LeaderNotFound("no community leader has this code", "code")
        leader_id = found_id
    assert leader_id is not None
    field = "code" if code is not None else "leaderId"
    leader = check_choosable(store.get_leader(leader_id, consistent=False), field)
    if not store.choose(caller.user_id, leader.id, now):
        raise LeaderNotApproved("this community leader stopped taking orders meanwhile", field)
    return leader


def chosen_leader(principal: Principal | None, user_id: str) -> Leader | None:
    """The caller's chosen leader while it is APPROVED. A leader suspended since is answered as none (null),
    the choice kept: it comes back if the leader is reinstated, and choosing another replaces it."""
    caller = require_user(principal)
    if caller.user_id != user_id:
        return None
    leader_id = store.chosen_leader_id(user_id)
    if leader_id is None:
        return None
    leader = store.get_leader(leader_id, consistent=False)
    return leader if leader is not None and leader.state is LeaderState.APPROVED else None
