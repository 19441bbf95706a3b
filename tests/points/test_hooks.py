"""Group-buy outcomes move points, through the real chain: table stream → stream
consumer → points hooks, and the team_settlement machine for the team bonus."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.core.clock import utc_now
from chalicelib.groupbuy import service as groupbuy
from chalicelib.points import account_reads, store
from chalicelib.points import service as svc
from chalicelib.points.rules import EntryKind
from tests.waiting import eventually
from tests.workflows.groupbuy_stack import stack, wait_execution  # noqa: F401 - the fixture

OPERATOR_ID = "01J0000000000000000000OPER"



def _fund(user_id: str, amount: int) -> None:
    assert store.adjust(user_id, f"adjust:fund-{user_id}", amount, "test funds", OPERATOR_ID, utc_now())


def _sources(user_id: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for entry in account_reads.all_entries(user_id):
        found.setdefault(entry.source.split(":")[0], []).append(entry.amount)
    return found


def _balance_is_sum_of_entries(user_id: str) -> None:
    account = account_reads.get_account(user_id)
    assert account.available + account.pending == sum(e.amount for e in account_reads.all_entries(user_id))
    assert account.available + account.pending + account.spent + account.expired == account.earned + account.adjusted


def test_a_successful_team_earns_pending_points_and_the_bonus_once(stack):
    stack.setup_deal(team_size=2)
    leader, friend = stack.member("lena"), stack.member("fred")
    _fund(leader.user_id, 1_000)
    opened = groupbuy.open_team(leader, stack.deal.id, stack.sku, None, stack.payments.provider, utc_now(), points=900)
    assert opened.order.amount.amount == 1_090
    joined = stack.join(opened.team.id, "fred")
    for order in (opened.order, joined.order):
        assert stack.payments.capture(order) == "applied"
    wait_execution("settlement", opened.team.id)

    def settled(user_id: str, pending: int) -> bool:
        account = account_reads.get_account(user_id)
        return account.pending == pending and account.available >= 20

    # ¥10.90 paid → 10 points pending; ¥19.90 → 19; both +20 available for the team.
    assert eventually(lambda: settled(leader.user_id, 10)), account_reads.get_account(leader.user_id)
    assert eventually(lambda: settled(friend.user_id, 19)), account_reads.get_account(friend.user_id)
    lena = account_reads.get_account(leader.user_id)
    assert (lena.available, lena.pending, lena.spent, lena.growth) == (100 + 20, 10, 900, 10)
    assert _sources(friend.user_id) == {"order": [19], "team": [20]}

    # The settlement task runs again (a retry): nobody earns twice.
    from chalicelib.points import hooks as points_hooks

    assert points_hooks.on_team_succeeded(opened.team.id, [leader.user_id, friend.user_id]) == 0
    assert account_reads.get_account(friend.user_id).available == 20

    # The return window closes: the pending points become available, once.
    later = utc_now() + timedelta(days=7, minutes=1)
    assert svc.release_due(friend.user_id, utc_now()) == 0
    assert svc.release_due(friend.user_id, later) == 19
    assert svc.release_due(friend.user_id, later) == 0
    fred = account_reads.get_account(friend.user_id)
    assert (fred.available, fred.pending) == (39, 0)
    for user_id in (leader.user_id, friend.user_id):
        _balance_is_sum_of_entries(user_id)


def test_a_failed_team_refunds_and_the_points_go_back(stack):
    stack.setup_deal(team_size=3)
    leader = stack.member("lena")
    _fund(leader.user_id, 500)
    opened = groupbuy.open_team(leader, stack.deal.id, stack.sku, None, stack.payments.provider,
                                utc_now() - timedelta(seconds=stack.deal.team_lifetime_seconds - 2), points=500)
    assert stack.payments.capture(opened.order) == "applied"
    assert eventually(lambda: account_reads.get_account(leader.user_id).pending == 14)  # ¥14.90 paid
    wait_execution("refund", f"{opened.order.id}-0")

    def reversed_both() -> bool:
        account = account_reads.get_account(leader.user_id)
        return account.pending == 0 and account.available == 500

    assert eventually(reversed_both), account_reads.get_account(leader.user_id)
    account = account_reads.get_account(leader.user_id)
    assert (account.spent, account.earned, account.growth) == (0, 0, 0)  # refunded money is not growth
    kinds = sorted((e.kind.value, e.amount) for e in account_reads.all_entries(leader.user_id))
    assert kinds == sorted((k.value, n) for k, n in [(EntryKind.ADJUST, 500), (EntryKind.REDEEM, -500),
                                                     (EntryKind.EARN, 14), (EntryKind.REVERSE, -14),
                                                     (EntryKind.REVERSE, 500)])
    # A second refund notice for the same order changes nothing.
    assert svc.reverse_on_refund(leader.user_id, opened.order.id, utc_now()) is False
    _balance_is_sum_of_entries(leader.user_id)


def test_a_cancelled_seat_gives_its_checkout_points_back(stack):
    stack.setup_deal(team_size=2)
    buyer = stack.member("bea")
    _fund(buyer.user_id, 300)
    opened = groupbuy.open_team(buyer, stack.deal.id, stack.sku, None, stack.payments.provider, utc_now(), points=300)
    assert account_reads.get_account(buyer.user_id).available == 0
    groupbuy.cancel_seat(buyer, opened.order.id, utc_now())
    assert eventually(lambda: account_reads.get_account(buyer.user_id).available == 300)
    account = account_reads.get_account(buyer.user_id)
    assert (account.spent, account.pending, account.earned) == (0, 0, 0)
    assert svc.return_checkout_points(buyer.user_id, opened.order.id, utc_now()) is False  # delivered again
    assert account_reads.get_account(buyer.user_id).available == 300
    _balance_is_sum_of_entries(buyer.user_id)
