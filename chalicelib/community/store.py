"""Community leaders in the table. Every change of a leader is ONE write conditioned on the state it leaves,
its step appended to the item's history in that same write (two operators racing: one outcome, one step)."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.community import keys
from chalicelib.community.models import ChosenLeaderItem, LeaderCodeItem, LeaderItem, LeaderStepMap
from chalicelib.community.rules import (
    Leader,
    LeaderAction,
    LeaderState,
    Location,
    PickupPoint,
    Step,
)
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import put_if, update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled

Item = LeaderItem


# ---------------------------------------------------------------- reads
def to_leader(item: LeaderItem) -> Leader:
    return Leader(
        id=item.leader_id, display_name=item.display_name, state=LeaderState(item.state),
        point=PickupPoint(name=item.point_name, province_code=item.province_code, city_code=item.city_code,
                          district_code=item.district_code, detail=item.detail, opening_hours=item.opening_hours,
                          location=Location(int(item.latitude), int(item.longitude)),
                          contact_mobile=item.contact_mobile),
        applied_at=from_iso(item.applied_at), updated_at=from_iso(item.updated_at), code=item.code,
        decision_reason=item.decision_reason,
        history=tuple(Step(h.action, h.actor_id, LeaderState(h.from_state) if h.from_state else None,
                           LeaderState(h.to_state), h.reason, from_iso(h.at)) for h in item.history or ()),
    )


def get_leader(leader_id: str, *, consistent: bool = True) -> Leader | None:
    try:
        return to_leader(Item.get(keys.leader_pk(leader_id), keys.LEADER_SK, consistent_read=consistent))
    except DoesNotExist:
        return None


def leader_id_of_code(code: str) -> str | None:
    try:
        return LeaderCodeItem.get(keys.leader_code_pk(code), keys.LEADER_CODE_SK).leader_id
    except DoesNotExist:
        return None


def leader_states(leader_ids: tuple[str, ...]) -> dict[str, str | None]:
    """Each leader's state (None: no such leader): one BatchGetItem, whatever their number (≤ 100)."""
    states: dict[str, str | None] = dict.fromkeys(leader_ids)
    for item in batch_get((keys.leader_pk(i), keys.LEADER_SK) for i in leader_ids):
        if isinstance(item, LeaderItem):
            states[item.leader_id] = item.state
    return states


def pending_applications(request: PageRequest) -> Page[Leader]:
    """The operators' queue, oldest application first: one Query of GSI1."""
    return query_page(TableItem.gsi1, keys.PENDING_LEADERS, request, forward=True, kinds=Item).map(to_leader)


def district_leaders(district_code: str, request: PageRequest) -> Page[Leader]:
    """The approved leaders of a district, by id: one Query of GSI1 (only approved leaders carry these keys)."""
    return query_page(TableItem.gsi1, keys.district_leaders(district_code), request, forward=True,
                      kinds=Item).map(to_leader)


def chosen_leader_id(user_id: str) -> str | None:
    try:
        return ChosenLeaderItem.get(keys.user_pk(user_id), keys.CHOSEN_LEADER_SK, consistent_read=True).leader_id
    except DoesNotExist:
        return None


# ---------------------------------------------------------------- writes
def _step(action: str, actor_id: str, before: LeaderState | None, after: LeaderState, reason: str | None,
          now: datetime) -> LeaderStepMap:
    return LeaderStepMap(action=action, actor_id=actor_id, from_state=None if before is None else before.value,
                         to_state=after.value, reason=reason, at=iso(now))


def put_application(leader_id: str, display_name: str, point: PickupPoint, now: datetime,
                    replacing: Leader | None) -> bool:
    """Put a PENDING application (in the operators' queue), if the user has none (``replacing`` None) or has
    the rejected one read (its history is carried over). False when that no longer holds: another apply won."""
    history = [] if replacing is None else [
        _step(s.action, s.actor_id, s.from_state, s.to_state, s.reason, s.at) for s in replacing.history]
    history.append(_step("APPLIED", leader_id, None if replacing is None else replacing.state, LeaderState.PENDING,
                         None, now))
    item = Item(keys.leader_pk(leader_id), keys.LEADER_SK, leader_id=leader_id, display_name=display_name,
                state=LeaderState.PENDING.value, point_name=point.name, province_code=point.province_code,
                city_code=point.city_code, district_code=point.district_code, detail=point.detail,
                opening_hours=point.opening_hours, latitude=point.location.latitude,
                longitude=point.location.longitude, contact_mobile=point.contact_mobile,
                applied_at=iso(now), updated_at=iso(now), history=history,
                GSI1PK=keys.PENDING_LEADERS, GSI1SK=keys.pending_position(iso(now), leader_id))
    if replacing is None:
        condition = TableItem.PK.does_not_exist()
    else:  # the very rejection read: not a newer application that replaced it meanwhile
        condition = (Item.state == LeaderState.REJECTED.value) & (Item.updated_at == iso(replacing.updated_at))
    return put_if(item, condition)


def _listing_actions(leader: Leader, to: LeaderState) -> list:
    """GSI1 keys for the state it goes to: the district listing while approved, no listing otherwise."""
    if to is LeaderState.APPROVED:
        return [Item.GSI1PK.set(keys.district_leaders(leader.point.district_code)), Item.GSI1SK.set(leader.id)]
    return [Item.GSI1PK.remove(), Item.GSI1SK.remove()]


def _transition_actions(leader: Leader, action: LeaderAction, actor_id: str, reason: str | None,
                        now: datetime) -> list:
    step = _step(action.step, actor_id, leader.state, action.to, reason, now)
    actions = [Item.state.set(action.to.value), Item.updated_at.set(iso(now)),
               Item.history.set(Item.history.append([step])), *_listing_actions(leader, action.to)]
    if reason is not None:
        actions.append(Item.decision_reason.set(reason))
    elif action.to is LeaderState.APPROVED:
        actions.append(Item.decision_reason.remove())  # approved or reinstated: no reason stands against them
    return actions


def transition(leader: Leader, action: LeaderAction, actor_id: str, reason: str | None,
               now: datetime) -> Leader | None:
    """Move the leader out of ``action.leaving`` (one UpdateItem, conditioned on it): the leader as written,
    or None when it had left that state (another operator was first): nothing written."""
    item = Item(keys.leader_pk(leader.id), keys.LEADER_SK)
    if not update_if(item, _transition_actions(leader, action, actor_id, reason, now), _as_read(leader, action.leaving)):
        return None
    return to_leader(item)  # PynamoDB refreshed it from the response: every attribute as written


def _as_read(leader: Leader, leaving: LeaderState):
    """The leader is still in ``leaving`` AND is the very record the operator read: a newer application
    (a reapplication after a rejection, for another point) is never decided on the old one's reading."""
    return (Item.state == leaving.value) & (Item.updated_at == iso(leader.updated_at))


def approve(leader: Leader, code: str, actor_id: str, now: datetime) -> str:
    """PENDING → APPROVED with its share code and the code's lookup item, ONE transaction. Returns "approved",
    "moved" (it was no longer pending: nothing written) or "code taken" (the code exists: try another)."""
    item = Item(keys.leader_pk(leader.id), keys.LEADER_SK)
    tx = Transaction()
    tx.update("leader", item, [*_transition_actions(leader, LeaderAction.APPROVE, actor_id, None, now),
                               Item.code.set(code)], _as_read(leader, LeaderState.PENDING))
    tx.put("code", LeaderCodeItem(keys.leader_code_pk(code), keys.LEADER_CODE_SK, leader_id=leader.id),
           TableItem.PK.does_not_exist())
    try:
        tx.commit()
    except TransactionCancelled as error:
        return "moved" if "leader" in error.failed else "code taken"
    return "approved"


def choose(user_id: str, leader_id: str, now: datetime) -> bool:
    """Remember the customer's leader, on condition that the leader is APPROVED at the instant of the write
    (ONE transaction: the choice and a check of the leader). False when it is not (suspended meanwhile)."""
    tx = Transaction()
    tx.condition_check("leader", Item, keys.leader_pk(leader_id), keys.LEADER_SK,
                       Item.state == LeaderState.APPROVED.value)
    tx.put("choice", ChosenLeaderItem(keys.user_pk(user_id), keys.CHOSEN_LEADER_SK, leader_id=leader_id,
                                      chosen_at=iso(now)))
    try:
        tx.commit()
    except TransactionCancelled:
        return False
    return True
