"""Withdrawals: settled commission paid out to the beneficiary's WeChat wallet.

A request takes the amount from ``available`` into ``withdrawing`` (if available ≥
amount: concurrent requests never overdraw) and puts the withdrawal REQUESTED, with
the client's idempotency key, in one transaction. Then the payments port transfers
it under the withdrawal's transfer number (``<id>``, ``<id>R<attempt>`` after an
operator's retry), which the provider keys its transfer by, so asking again never
pays twice. The answer moves the withdrawal once (conditioned on REQUESTED and the
attempt): paid → PAID (withdrawing → paid_out); refused → FAILED (withdrawing →
available) and into the operators' queue. No answer (PaymentError, PROCESSING):
it stays REQUESTED; an operator's retry asks again under the same number.

Logs carry the withdrawal id only: never the openid, nor an amount with a person.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.accounts.published.users import wechat_openid
from chalicelib.adapters.payments import (
    PaymentError,
    PaymentProvider,
    PaymentRejected,
    TransferRequest,
    TransferStatus,
)
from chalicelib.commissions import rules
from chalicelib.commissions.keys import FAILED_WITHDRAWALS, commission_pk, withdrawal_sk
from chalicelib.commissions.ledger import account_update
from chalicelib.commissions.models import CommissionAccountItem, CommissionWithdrawalItem
from chalicelib.commissions.reads import Withdrawal, get_withdrawal
from chalicelib.commissions.rules import NotEnoughCommission, WithdrawalState
from chalicelib.core.clock import iso
from chalicelib.core.errors import InvalidState, NotFound
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.observability import count, logger
from chalicelib.core.principal import Principal, Role, require_role, require_user
from chalicelib.core.table import idempotency
from chalicelib.core.table.transactions import Transaction, TransactionCancelled

OPERATION = "commission-withdrawal"
DESCRIPTION = "佣金提现 Commission withdrawal"  # shown to the payee in WeChat; no personal data


def transfer_number(withdrawal_id: str, attempt: int) -> str:
    return withdrawal_id if attempt == 1 else f"{withdrawal_id}R{attempt}"


def request_withdrawal(principal: Principal | None, amount: int, idempotency_key: str, payments: PaymentProvider,
                       now: datetime) -> Withdrawal:
    """Withdraw ``amount`` fen (¥1 to the per-transfer ceiling, at most what is available).
    The same key again answers the first request's withdrawal as it stands now."""
    caller = require_user(principal)
    amount = rules.check_withdrawal(amount)
    key = idempotent_request(caller.user_id, OPERATION, idempotency_key, amount)
    try:
        earlier = idempotency.previous_result(key)
    except idempotency.NotClaimed:
        earlier = None
    if earlier is not None:
        return _existing(caller.user_id, earlier)
    openid = wechat_openid(caller.user_id)
    if not openid:
        raise InvalidState("a withdrawal is paid to a WeChat wallet: sign in with WeChat first")
    withdrawal_id = new_id()
    item = CommissionWithdrawalItem(
        commission_pk(caller.user_id), withdrawal_sk(withdrawal_id), withdrawal_id=withdrawal_id,
        beneficiary_id=caller.user_id, amount=amount, state=WithdrawalState.REQUESTED.value, attempt=1,
        created_at=iso(now), updated_at=iso(now))
    tx = Transaction()
    idempotency.refuse_as_replay(tx, key)
    tx.refuse("account", NotEnoughCommission("more than your available commission", "amount"))
    account_update(tx, caller.user_id, [CommissionAccountItem.available.add(-amount),
                                        CommissionAccountItem.withdrawing.add(amount)],
                   CommissionAccountItem.available >= amount)
    tx.put("withdrawal", item, CommissionWithdrawalItem.PK.does_not_exist())
    idempotency.claim(tx, key, now, result_id=withdrawal_id)
    try:
        tx.commit()
    except idempotency.Replayed as replay:  # the same key, raced
        return _existing(caller.user_id, replay.result_id or "")
    count("CommissionWithdrawalsRequested")
    return pay_out(Withdrawal.of(item), payments, openid, now)


def _existing(beneficiary_id: str, withdrawal_id: str) -> Withdrawal:
    found = get_withdrawal(beneficiary_id, withdrawal_id)
    if found is None:
        raise RuntimeError("an idempotency key names a withdrawal that does not exist")
    return found


def pay_out(withdrawal: Withdrawal, payments: PaymentProvider, openid: str, now: datetime) -> Withdrawal:
    """Ask the provider to transfer a REQUESTED withdrawal; record its answer once."""
    request = TransferRequest(out_no=transfer_number(withdrawal.withdrawal_id, withdrawal.attempt),
                              payee_openid=openid, amount=withdrawal.amount, description=DESCRIPTION)
    try:
        result = payments.transfer(request)
    except PaymentError:
        logger.warning("commission payout unanswered; the withdrawal stays REQUESTED",
                       extra={"withdrawal_id": withdrawal.withdrawal_id})
        count("CommissionPayoutsUnanswered")
        return withdrawal
    except PaymentRejected:
        return _finish(withdrawal, WithdrawalState.FAILED, "REJECTED", now)
    if result.status is TransferStatus.SUCCESS:
        return _finish(withdrawal, WithdrawalState.PAID, None, now)
    if result.status is TransferStatus.FAILED:
        return _finish(withdrawal, WithdrawalState.FAILED, result.failure or "FAIL", now)
    return withdrawal  # PROCESSING: asked again under the same number


def _finish(withdrawal: Withdrawal, state: WithdrawalState, failure: str | None, now: datetime) -> Withdrawal:
    """REQUESTED → PAID or FAILED with the money moved, once: a second answer (a retry racing)
    finds it moved and returns it as it stands."""
    amount, user = withdrawal.amount, withdrawal.beneficiary_id
    actions = [CommissionWithdrawalItem.state.set(state.value), CommissionWithdrawalItem.updated_at.set(iso(now))]
    if state is WithdrawalState.PAID:
        money = [CommissionAccountItem.withdrawing.add(-amount), CommissionAccountItem.paid_out.add(amount)]
    else:
        money = [CommissionAccountItem.withdrawing.add(-amount), CommissionAccountItem.available.add(amount)]
        actions += [CommissionWithdrawalItem.failure.set(failure),
                    CommissionWithdrawalItem.GSI2PK.set(FAILED_WITHDRAWALS),
                    CommissionWithdrawalItem.GSI2SK.set(f"{iso(now)}#{withdrawal.withdrawal_id}")]
    tx = Transaction()
    tx.update("withdrawal", CommissionWithdrawalItem(commission_pk(user), withdrawal_sk(withdrawal.withdrawal_id)),
              actions, (CommissionWithdrawalItem.state == WithdrawalState.REQUESTED.value)
              & (CommissionWithdrawalItem.attempt == withdrawal.attempt))
    account_update(tx, user, money)
    try:
        tx.commit()
    except TransactionCancelled:
        return _existing(user, withdrawal.withdrawal_id)
    count("CommissionPaidOut" if state is WithdrawalState.PAID else "CommissionPayoutsFailed")
    if state is WithdrawalState.FAILED:
        logger.warning("commission payout refused", extra={"withdrawal_id": withdrawal.withdrawal_id,
                                                           "failure": failure})
    return Withdrawal(user, withdrawal.withdrawal_id, amount, state, withdrawal.attempt, withdrawal.created_at, now,
                      failure)


def retry_withdrawal(principal: Principal | None, beneficiary_id: str, withdrawal_id: str,
                     payments: PaymentProvider, now: datetime) -> Withdrawal:
    """Operators: pay a withdrawal again. FAILED: it is requested again (the money back from
    available into withdrawing, if still there) under a new transfer number; REQUESTED (no
    answer yet): the provider is asked again under the same number. PAID: INVALID_STATE."""
    require_role(principal, Role.OPERATOR)
    withdrawal = get_withdrawal(beneficiary_id, withdrawal_id)
    if withdrawal is None:
        raise NotFound("no such withdrawal", "id")
    if withdrawal.state is WithdrawalState.PAID:
        raise InvalidState("the withdrawal is paid already", "id")
    openid = wechat_openid(beneficiary_id)
    if not openid:
        raise InvalidState("the beneficiary has no WeChat wallet to pay to", "id")
    if withdrawal.state is WithdrawalState.FAILED:
        withdrawal = _request_again(withdrawal, now)
    return pay_out(withdrawal, payments, openid, now)


def _request_again(withdrawal: Withdrawal, now: datetime) -> Withdrawal:
    amount, user, attempt = withdrawal.amount, withdrawal.beneficiary_id, withdrawal.attempt + 1
    tx = Transaction()
    # The withdrawal's own change first: a racing retry took the money too, so both conditions fail.
    tx.refuse("withdrawal", InvalidState("the withdrawal changed meanwhile (retried already?); read it again", "id"))
    tx.refuse("account", NotEnoughCommission("the beneficiary's available commission no longer covers it", "id"))
    tx.update("withdrawal", CommissionWithdrawalItem(commission_pk(user), withdrawal_sk(withdrawal.withdrawal_id)),
              [CommissionWithdrawalItem.state.set(WithdrawalState.REQUESTED.value),
               CommissionWithdrawalItem.attempt.set(attempt), CommissionWithdrawalItem.updated_at.set(iso(now)),
               CommissionWithdrawalItem.failure.remove(), CommissionWithdrawalItem.GSI2PK.remove(),
               CommissionWithdrawalItem.GSI2SK.remove()],
              (CommissionWithdrawalItem.state == WithdrawalState.FAILED.value)
              & (CommissionWithdrawalItem.attempt == withdrawal.attempt))
    account_update(tx, user, [CommissionAccountItem.available.add(-amount),
                              CommissionAccountItem.withdrawing.add(amount)],
                   CommissionAccountItem.available >= amount)
    tx.commit()
    return Withdrawal(user, withdrawal.withdrawal_id, amount, WithdrawalState.REQUESTED, attempt,
                      withdrawal.created_at, now, None)
