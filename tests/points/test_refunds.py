"""After-sales refunds in the points ledger (issue 12), against the emulator:
partial reversal (pending, released, released but spent), cumulative exactness,
redelivery, points spent given back, and holding points until the return window."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecordEventName

from chalicelib.core.clock import iso
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.stream import Change, Image, handlers_of
from chalicelib.points import account_reads, jobs, refunds, rules, store, stream_handlers
from chalicelib.points import service as svc
from chalicelib.points.keys import ACCOUNT_SK, points_pk
from chalicelib.points.models import PointsAccountItem
from chalicelib.points.published.refunds import PartReversal, give_back_spent, hold_until, reverse_refunded_part
from chalicelib.points.rules import EntryKind, PointsRules

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
USER = "01J0000000000000000000USER"
ORDER = "01J00000000000000000ORDER1"
PAID = 10_000  # fen
RULES = PointsRules()


def _earn(points: int = 100, growth: int = 100, pending: bool = True) -> None:
    assert store.post_earn(USER, rules.order_source(ORDER), points, NOW, growth=growth,
                           pending_until=NOW + timedelta(days=7) if pending else None)


def _earn_and_release(points: int = 100, growth: int = 100) -> None:
    _earn(points, growth)
    assert svc.release_due(USER, NOW + timedelta(days=8)) == points


def _consistent() -> account_reads.Account:
    """The ledger's invariants: balance == entries, lots == available, conserved, pending == its items."""
    account = account_reads.get_account(USER)
    view = account_reads.account_view(USER)
    assert account.available >= 0 and account.pending >= 0 and account.growth >= 0
    assert account.balance == sum(e.amount for e in account_reads.all_entries(USER))
    assert sum(n for _, n in view.lots) == account.available
    assert sum(p.amount for p in view.pending) == account.pending
    assert account.available + account.pending + account.spent + account.expired == account.earned + account.adjusted
    return account


def test_a_partial_refund_while_pending_cancels_its_share_and_the_release_pays_the_rest(emulator):
    _earn(100, growth=100)
    later = NOW + timedelta(days=3)
    result = reverse_refunded_part(USER, ORDER, "r1", 0, 3_000, PAID, later)
    assert result == PartReversal(points_cancelled=30, growth_taken=30)
    account = _consistent()
    assert (account.pending, account.earned, account.growth, account.available) == (70, 70, 70, 0)
    assert [p.amount for p in account_reads.account_view(USER).pending] == [70]
    entry = account_reads.all_entries(USER)[-1]
    assert (entry.kind, entry.amount, entry.source, entry.pending) == (EntryKind.REVERSE, -30, "refund:r1", True)
    assert "partly refunded" in rules.describe_entry(entry.kind, entry.source)
    # The release job releases only what is left.
    assert jobs.release_pending(NOW + timedelta(days=8))["pointsReleased"] == 70
    account = _consistent()
    assert (account.available, account.pending, account.earned) == (70, 0, 70)


def test_a_whole_reversal_after_a_partial_one_cancels_only_what_is_left(emulator):
    _earn(100, growth=100)
    reverse_refunded_part(USER, ORDER, "r1", 0, 2_500, PAID, NOW)
    assert store.reverse(USER, rules.order_source(ORDER), NOW)
    account = _consistent()
    assert (account.pending, account.earned, account.growth) == (0, 0, 0)
    assert account_reads.account_view(USER).pending == ()
    # Nothing is left for a later refund of the same order.
    assert reverse_refunded_part(USER, ORDER, "r2", 2_500, 7_500, PAID, NOW) == PartReversal()
    _consistent()


def test_refunds_adding_up_to_everything_while_pending_reverse_the_earning_whole(emulator):
    _earn(100, growth=100)
    reverse_refunded_part(USER, ORDER, "r1", 0, 5_000, PAID, NOW)
    assert reverse_refunded_part(USER, ORDER, "r2", 5_000, 5_000, PAID, NOW).points_cancelled == 50
    account = _consistent()
    assert (account.pending, account.earned, account.growth) == (0, 0, 0)
    assert account_reads.account_view(USER).pending == ()
    assert svc.release_due(USER, NOW + timedelta(days=8)) == 0
    assert store.reverse(USER, rules.order_source(ORDER), NOW) is False


def test_a_partial_refund_after_release_takes_its_share_back_from_the_lots(emulator):
    _earn_and_release(100, growth=100)
    result = reverse_refunded_part(USER, ORDER, "r1", 0, 4_000, PAID, NOW + timedelta(days=9))
    assert result == PartReversal(points_taken_back=40, growth_taken=40)
    account = _consistent()
    assert (account.available, account.earned, account.growth) == (60, 60, 60)
    entry = account_reads.all_entries(USER)[-1]
    assert (entry.amount, entry.unrecovered, entry.pending) == (-40, 0, False)
    assert entry.lots == ((rules.expires_on(NOW), 40),)


def test_points_spent_since_release_are_written_off_never_below_zero(emulator, monkeypatch):
    counted: list[tuple[str, int]] = []
    monkeypatch.setattr(refunds, "count", lambda name, value=1: counted.append((name, value)))
    _earn_and_release(100, growth=30)
    assert store.spend(USER, "mall:m1", 70, NOW + timedelta(days=9))
    assert store.adjust(USER, "adjust:growth", 1, "x", "op", NOW)  # 31 available
    assert store.spend(USER, "mall:m2", 1, NOW + timedelta(days=9))  # 30 available
    result = reverse_refunded_part(USER, ORDER, "r1", 0, 5_000, PAID, NOW + timedelta(days=10))
    assert result == PartReversal(points_taken_back=30, points_unrecovered=20, growth_taken=15)
    account = _consistent()
    assert (account.available, account.growth) == (0, 15)
    assert account_reads.all_entries(USER)[-1].unrecovered == 20
    assert ("PointsUnrecovered", 20) in counted
    # The rest of the order refunded with nothing available: all written off, growth to 0.
    result = reverse_refunded_part(USER, ORDER, "r2", 5_000, 5_000, PAID, NOW + timedelta(days=10))
    assert result == PartReversal(points_unrecovered=50, growth_taken=15)
    account = _consistent()
    assert (account.available, account.growth) == (0, 0)


def test_growth_never_goes_below_zero(emulator):
    _earn_and_release(100, growth=40)
    # Growth lowered behind the order's back (an operator's correction): the share is capped.
    PointsAccountItem(points_pk(USER), ACCOUNT_SK).update(actions=[PointsAccountItem.growth.set(10)])
    result = reverse_refunded_part(USER, ORDER, "r1", 0, PAID, PAID, NOW)
    assert result.growth_taken == 10 and account_reads.get_account(USER).growth == 0


@pytest.mark.parametrize("earned,paid,splits", [
    (101, 9_999, [3_333, 1, 2_000, 4_665]),
    (7, 10_000, [1, 1, 1, 9_997]),
    (999, 30_001, [10_000, 10_000, 10_001]),
])
def test_partial_refunds_summing_to_the_payment_take_exactly_what_was_earned(emulator, earned, paid, splits):
    _earn(earned, growth=earned // 2)
    before, cancelled, taken, growth = 0, 0, 0, 0
    for i, part in enumerate(splits):
        if i == len(splits) // 2:  # half of them after release
            svc.release_due(USER, NOW + timedelta(days=8))
        result = reverse_refunded_part(USER, ORDER, f"r{i}", before, part, paid, NOW + timedelta(days=9))
        cancelled += result.points_cancelled
        taken += result.points_taken_back
        growth += result.growth_taken
        assert result.points_unrecovered == 0
        before += part
    assert cancelled + taken == earned and growth == earned // 2
    account = _consistent()
    assert (account.available, account.pending, account.earned, account.growth) == (0, 0, 0, 0)


def test_a_redelivered_refund_changes_nothing(emulator):
    _earn_and_release(100)
    first = reverse_refunded_part(USER, ORDER, "r1", 0, 3_000, PAID, NOW)
    entries, account = account_reads.all_entries(USER), account_reads.get_account(USER)
    assert first.points_taken_back == 30
    assert reverse_refunded_part(USER, ORDER, "r1", 0, 3_000, PAID, NOW) == PartReversal()
    assert account_reads.all_entries(USER) == entries and account_reads.get_account(USER) == account


def test_a_refund_of_an_order_that_earned_nothing_is_a_no_op(emulator):
    assert reverse_refunded_part(USER, "no-such-order", "r1", 0, 100, PAID, NOW) == PartReversal()
    assert account_reads.all_entries(USER) == []


@pytest.mark.parametrize("before,now_,paid", [(0, 10_001, PAID), (5_000, 5_001, PAID), (-1, 5, PAID), (0, 1, 0),
                                              (0, 1.5, PAID), (True, 1, PAID)])
def test_bad_refund_amounts_are_refused_and_change_nothing(emulator, before, now_, paid):
    _earn(100)
    entries = account_reads.all_entries(USER)
    with pytest.raises(ValidationFailed):
        reverse_refunded_part(USER, ORDER, "r1", before, now_, paid, NOW)
    assert account_reads.all_entries(USER) == entries


# ---------------------------------------------------------------- points spent, given back
def test_points_spent_come_back_bounded_by_what_the_redemption_spent(emulator):
    assert store.post_earn(USER, "seed", 1_000, NOW)
    assert svc.redeem(USER, "P1", 300, 100_000, NOW, config=RULES).applied
    assert give_back_spent(USER, "P1", "r1", 100, NOW) == 100
    assert give_back_spent(USER, "P1", "r1", 100, NOW) == 0  # the same refund again
    assert give_back_spent(USER, "P1", "r2", 500, NOW) == 200  # at most what is left
    assert give_back_spent(USER, "P1", "r3", 1, NOW) == 0
    account = _consistent()
    assert (account.available, account.spent) == (1_000, 0)
    assert store.reverse(USER, rules.checkout_source("P1"), NOW) is False  # nothing left to reverse


def test_a_whole_reversal_after_a_give_back_returns_only_what_is_left(emulator):
    assert store.post_earn(USER, "seed", 1_000, NOW)
    assert svc.redeem(USER, "P1", 300, 100_000, NOW, config=RULES).applied
    assert give_back_spent(USER, "P1", "r1", 120, NOW) == 120
    assert store.reverse(USER, rules.checkout_source("P1"), NOW)
    account = _consistent()
    assert (account.available, account.spent) == (1_000, 0)
    assert account_reads.all_entries(USER)[-1].amount == 180


def test_points_given_back_into_a_lot_past_its_date_expire_at_once(emulator):
    assert store.post_earn(USER, "seed", 500, NOW)  # expires 2026-12-31
    assert svc.redeem(USER, "P1", 300, 100_000, NOW, config=RULES).applied
    late = datetime(2027, 1, 5, 4, 0, tzinfo=UTC)
    assert give_back_spent(USER, "P1", "r1", 100, late) == 100
    account = _consistent()
    assert (account.available, account.spent, account.expired) == (200, 200, 100)
    assert [e.kind for e in account_reads.all_entries(USER)[-2:]] == [EntryKind.REVERSE, EntryKind.EXPIRE]


def test_give_back_refuses_a_bad_amount(emulator):
    for points in (0, -5, 1.0, True):
        with pytest.raises(ValidationFailed):
            give_back_spent(USER, "P1", "r1", points, NOW)


# ---------------------------------------------------------------- holding until the return window
def test_holding_moves_the_release_and_the_release_job_honours_it(emulator):
    _earn(100)
    until = NOW + timedelta(days=20)
    assert hold_until(USER, ORDER, until, NOW + timedelta(days=5))
    assert [p.release_at for p in account_reads.account_view(USER).pending] == [iso(until)]
    assert jobs.release_pending(NOW + timedelta(days=8))["pointsReleased"] == 0
    assert svc.release_due(USER, NOW + timedelta(days=8)) == 0
    assert not hold_until(USER, ORDER, NOW + timedelta(days=10), NOW)  # earlier than the hold: no-op
    # A partial refund while held still cancels its share of the moved item.
    assert reverse_refunded_part(USER, ORDER, "r1", 0, 1_000, PAID, NOW).points_cancelled == 10
    assert jobs.release_pending(until)["pointsReleased"] == 90
    account = _consistent()
    assert (account.available, account.pending) == (90, 0)
    assert not hold_until(USER, ORDER, until + timedelta(days=5), until)  # released: no-op


def test_holding_a_reversed_missing_or_passed_earning_is_a_no_op(emulator):
    assert not hold_until(USER, ORDER, NOW + timedelta(days=20), NOW)
    _earn(100)
    assert not hold_until(USER, ORDER, NOW - timedelta(days=1), NOW)
    assert store.reverse(USER, rules.order_source(ORDER), NOW)
    assert not hold_until(USER, ORDER, NOW + timedelta(days=20), NOW)
    _consistent()


@pytest.mark.parametrize("kind", ["ShopOrder", "Order"])
def test_an_order_completed_holds_its_points_until_its_return_window(emulator, kind):
    assert stream_handlers.order_completed in handlers_of(kind)
    _earn(100)
    until = datetime.now(UTC) + timedelta(days=30)  # the hook's clock is the real one

    def change(old: str, new: str) -> Change:
        image = {"user_id": USER, "order_id": ORDER, "state": new, "returns_until": iso(until)}
        return Change(kind, DynamoDBRecordEventName.MODIFY, Image(image), Image({**image, "state": old}))

    stream_handlers.order_completed(change("TO_SHIP", "SHIPPED"))
    assert account_reads.account_view(USER).pending[0].release_at == iso(NOW + timedelta(days=7))
    stream_handlers.order_completed(change("SHIPPED", "COMPLETED"))
    assert account_reads.account_view(USER).pending[0].release_at == iso(until)
    stream_handlers.order_completed(change("SHIPPED", "COMPLETED"))  # redelivered: the same
    assert [p.release_at for p in account_reads.account_view(USER).pending] == [iso(until)]


def test_a_release_read_before_a_hold_leaves_the_held_points_pending(emulator):
    _earn(100)
    assert hold_until(USER, ORDER, NOW + timedelta(days=20), NOW)
    # The release job read the earning as due at day 8, then the hold moved it.
    assert store.release_pending(USER, rules.order_source(ORDER), iso(NOW + timedelta(days=8))) == 0
    assert account_reads.get_account(USER).pending == 100


def test_an_account_that_never_had_growth_is_refunded_too(emulator):
    _earn(100, growth=0)  # the account has no growth attribute at all
    assert reverse_refunded_part(USER, ORDER, "r1", 0, 5_000, PAID, NOW) == PartReversal(points_cancelled=50)
    svc.release_due(USER, NOW + timedelta(days=8))
    assert reverse_refunded_part(USER, ORDER, "r2", 5_000, 1_000, PAID, NOW) == PartReversal(points_taken_back=10)
    _consistent()
