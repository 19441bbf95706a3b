"""An inviter's referrals as they see them: each invitee's progress and public display name (the one their
posts show as an ``Author``), nothing else of theirs. A page: one Query of GSI1 and one BatchGetItem of the
invitees' user items (none for an empty page)."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.accounts.published.users import USER_SK, UserItem, user_pk
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.referrals import store
from chalicelib.referrals.rules import Referral


@dataclass(frozen=True, slots=True)
class InviteeProgress:
    referral: Referral
    display_name: str


def referrals_page(inviter_id: str, request: PageRequest) -> Page[InviteeProgress]:
    page = store.referrals_page(inviter_id, request)
    found = batch_get((user_pk(r.invitee_id), USER_SK) for r in page.items) if page.items else []
    names = {item.user_id: item.display_name or "" for item in found if isinstance(item, UserItem)}
    return page.map(lambda r: InviteeProgress(r, names.get(r.invitee_id, "")))
