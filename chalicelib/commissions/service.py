"""Who may read what in the commission ledger: a beneficiary their own, operators the failed payouts."""
from __future__ import annotations

from chalicelib.commissions import reads
from chalicelib.core.principal import Principal, Role, require_role, require_self
from chalicelib.core.table.paging import Page, PageRequest


def own_account(principal: Principal | None, user_id: str) -> str:
    """Whose commissions ``me.commissions`` shows: the caller's own only."""
    return require_self(principal, user_id, "your own commissions").user_id


def own_entry(principal: Principal | None, order_id: str) -> reads.Entry | None:
    from chalicelib.commissions.ledger import get_entry

    if principal is None:
        return None
    item = get_entry(principal.user_id, order_id)
    return reads.Entry.of(item) if item is not None else None


def own_withdrawal(principal: Principal | None, beneficiary_id: str, withdrawal_id: str) -> reads.Withdrawal | None:
    """The caller's own withdrawal; operators see anyone's (the failed-payout queue links here)."""
    if principal is None or (principal.user_id != beneficiary_id and principal.role is not Role.OPERATOR):
        return None
    return reads.get_withdrawal(beneficiary_id, withdrawal_id)


def failed_withdrawals(principal: Principal | None, request: PageRequest) -> Page[reads.Withdrawal]:
    require_role(principal, Role.OPERATOR)
    return reads.failed_withdrawals_page(request)
