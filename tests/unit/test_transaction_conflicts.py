"""A transaction cancelled only because it raced another on the same item
(TransactionConflict, which real DynamoDB reports and the serialised emulator never
does) is sent again; a failed condition or a token-bearing transaction is not."""
from __future__ import annotations

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError

from chalicelib.core.table import transactions
from chalicelib.core.table.transactions import Transaction, TransactionCancelled


class _Cancelled(TransactWriteError):
    def __init__(self, *codes: str | None) -> None:
        super().__init__("cancelled")
        self._reasons = [CancellationReason(code=c) if c else None for c in codes]

    @property
    def cause_response_code(self) -> str:
        return "TransactionCanceledException"

    @property
    def cancellation_reasons(self):
        return self._reasons


def _transaction(monkeypatch, outcomes: list, token: str | None = None) -> tuple[Transaction, list]:
    sent: list = []

    def send(self, ordered) -> None:
        sent.append(len(ordered))
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    monkeypatch.setattr(Transaction, "_send", send)
    monkeypatch.setattr(transactions.time, "sleep", lambda s: None)
    tx = Transaction(client_request_token=token)
    tx._ops["update"] += [("likes", "update", (), {}), ("like", "update", (), {})]
    return tx, sent


def test_a_conflict_is_sent_again_until_it_goes_through(monkeypatch):
    tx, sent = _transaction(monkeypatch, [_Cancelled("TransactionConflict", None), _Cancelled(None, "TransactionConflict"),
                                          None])
    tx.commit()
    assert sent == [2, 2, 2]


def test_a_failed_condition_is_reported_at_once(monkeypatch):
    tx, sent = _transaction(monkeypatch, [_Cancelled("TransactionConflict", "ConditionalCheckFailed")])
    with pytest.raises(TransactionCancelled) as caught:
        tx.commit()
    assert caught.value.failed == {"like"} and sent == [2]


def test_conflicts_that_do_not_stop_are_raised(monkeypatch):
    outcomes = [_Cancelled("TransactionConflict", None) for _ in range(transactions.CONFLICT_RETRIES + 1)]
    tx, sent = _transaction(monkeypatch, outcomes)
    with pytest.raises(TransactWriteError):
        tx.commit()
    assert len(sent) == transactions.CONFLICT_RETRIES + 1


def test_a_transaction_with_a_request_token_is_not_resent(monkeypatch):
    tx, sent = _transaction(monkeypatch, [_Cancelled("TransactionConflict", None)], token="order-1")
    with pytest.raises(TransactWriteError):
        tx.commit()
    assert sent == [2]
