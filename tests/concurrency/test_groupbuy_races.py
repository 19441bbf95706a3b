"""Group-buy races against the serialised emulator, 20 rounds each (the 50-customer race 10,
the 200-customer race 5: each of its rounds is 200 threads and up to 800 attempts): seats
never overfill a team, a deal never oversells, a duplicated payment is captured once."""
from __future__ import annotations

import random
import threading
from collections import Counter

from chalicelib.core.clock import utc_now
from chalicelib.core.errors import DomainError
from chalicelib.core.principal import Principal, Role
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store
from chalicelib.groupbuy.rules import OrderState, SeatState, TeamState
from tests.conftest import fresh_table
from tests.groupbuy.support import RecordingPayments, capture, deal_setup, user

ROUNDS = 20
LARGE_ROUNDS = 5  # keeps make test within its three minutes on 2 cores
MEDIUM_ROUNDS = 10  # the 50-customer race: likewise


def _customers(n: int, tag: str) -> list[Principal]:
    # Principals are enough: a seat shows an empty name for a user without a profile.
    return [Principal(f"01J{tag}{i:0{23 - len(tag)}d}", Role.CUSTOMER) for i in range(n)]


def _run(threads: list[threading.Thread]) -> None:
    """Start and join; an exception in any thread fails the test (not just a warning)."""
    errors: list[BaseException] = []
    for t in threads:
        target = t._target  # type: ignore[attr-defined]

        def guarded(*args, _target=target):
            try:
                _target(*args)
            except BaseException as error:  # noqa: BLE001 - re-raised below in the test's thread
                errors.append(error)

        t._target = guarded  # type: ignore[attr-defined]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_50_users_racing_for_a_team_of_3_take_exactly_3_seats():
    for round_ in range(MEDIUM_ROUNDS):
        fresh_table()
        payments = RecordingPayments()
        deal, sku, _ = deal_setup(team_size=3, stock=100, per_user_limit=1)
        leader = user("leader")
        team = groupbuy.open_team(leader, deal.id, sku, None, payments, utc_now()).team
        outcomes: Counter[str] = Counter()
        lock, start = threading.Lock(), threading.Barrier(50)

        def join(p: Principal) -> None:
            start.wait()
            try:
                groupbuy.join_team(p, team.id, sku, None, payments, utc_now())
                result = "joined"
            except DomainError as error:
                result = error.code.value
            with lock:
                outcomes[result] += 1

        _run([threading.Thread(target=join, args=(p,)) for p in _customers(50, "JOIN")])
        final, seats = store.team_with_seats(team.id, consistent=True)
        assert outcomes == {"joined": 2, "TEAM_FULL": 48}, (round_, outcomes)
        assert final.held + final.paid == 3 and len(seats) == 3, round_
        assert store.deal_stock(deal.id)[sku] == (97, 3, 0), round_


def test_200_users_racing_for_a_deal_of_30_units_across_many_teams_buy_exactly_30():
    for round_ in range(LARGE_ROUNDS):
        fresh_table()
        payments = RecordingPayments()
        deal, sku, _ = deal_setup(team_size=3, stock=30, per_user_limit=1)
        codes: list[str] = []
        lock, start = threading.Lock(), threading.Barrier(200)
        bought: Counter[str] = Counter()

        def buy(p: Principal) -> None:
            start.wait()
            rng = random.Random(p.user_id)
            for _ in range(4):  # a customer tries a few teams before giving up
                with lock:
                    candidates = list(codes)
                try:
                    if candidates and rng.random() < 0.8:
                        taken = groupbuy.join_team(p, rng.choice(candidates), sku, None, payments, utc_now())
                    else:
                        taken = groupbuy.open_team(p, deal.id, sku, None, payments, utc_now())
                        with lock:
                            codes.append(taken.team.id)
                except DomainError as error:
                    if error.code.value == "OUT_OF_STOCK":
                        return
                    continue
                assert capture(taken.order) == "applied"
                with lock:
                    bought[p.user_id] += 1
                return

        _run([threading.Thread(target=buy, args=(p,)) for p in _customers(200, "BUY")])
        available, reserved, sold = store.deal_stock(deal.id)[sku]
        assert (available, reserved, sold) == (0, 0, 30), (round_, available, reserved, sold)
        assert sum(bought.values()) == 30 and max(bought.values()) == 1, round_
        teams = store.teams_by_id(codes)
        assert all(t.held + t.paid <= t.size for t in teams.values()), round_
        assert sum(t.paid for t in teams.values()) == 30, round_
        assert all(t.state is TeamState.SUCCEEDED for t in teams.values() if t.paid == t.size), round_


def test_duplicate_payment_notifications_delivered_concurrently_capture_once():
    for round_ in range(ROUNDS):
        fresh_table()
        payments = RecordingPayments()
        deal, sku, _ = deal_setup(team_size=2, stock=10)
        taken = groupbuy.open_team(user("leader"), deal.id, sku, None, payments, utc_now())
        outcomes: list[str] = []
        lock, start = threading.Lock(), threading.Barrier(16)

        def deliver() -> None:
            start.wait()
            outcome = capture(taken.order)
            with lock:
                outcomes.append(outcome)

        _run([threading.Thread(target=deliver) for _ in range(16)])
        assert Counter(outcomes) == {"applied": 1, "duplicate": 15}, (round_, outcomes)
        order = store.get_order(taken.order.id)
        team, seats = store.team_with_seats(taken.team.id, consistent=True)
        assert order.state is OrderState.PAID_AWAITING_TEAM and order.captured == 1990, round_
        assert (team.paid, team.held, seats[0].state) == (1, 0, SeatState.PAID), round_
        assert store.deal_stock(deal.id)[sku] == (9, 0, 1), round_
