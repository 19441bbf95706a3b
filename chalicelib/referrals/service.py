"""What the API asks of referrals, each for whom it is allowed: your own code and referrals; the rule for
operators."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.principal import Principal, Role, require_role, require_self
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.referrals import codes, reads, store
from chalicelib.referrals.rules import RewardRule


def my_invite_code(principal: Principal | None, user_id: str, now: datetime) -> str:
    return codes.invite_code(require_self(principal, user_id, "your own invite code").user_id, now)


def my_referrals(principal: Principal | None, user_id: str, request: PageRequest) -> Page[reads.InviteeProgress]:
    return reads.referrals_page(require_self(principal, user_id, "your own referrals").user_id, request)


def reward_rule(principal: Principal | None) -> RewardRule:
    require_role(principal, Role.OPERATOR)
    return store.get_rule()


def set_reward_rule(principal: Principal | None, invitee_fen: int, inviter_fen: int, valid_days: int,
                    monthly_cap: int, now: datetime) -> RewardRule:
    """The whole rule, checked (INVALID on the first bad field, nothing written); applies to rewards made
    from the next job run on."""
    operator = require_role(principal, Role.OPERATOR)
    rule = RewardRule(invitee_fen, inviter_fen, valid_days, monthly_cap)
    store.put_rule(rule, operator.user_id, now)
    return rule
