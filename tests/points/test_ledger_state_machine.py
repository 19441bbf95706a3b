"""The points ledger as a state machine against the emulator, with a moving clock.

Each rule calls the real service or store and checks its answer against a model
(counters, lots by expiry date, pending earnings, posted sources); the invariants
compare the stored account, lots and entries with the model after every step:
available >= 0; available + pending + spent + expired == earned + adjusted;
balance == sum of entries; every source posts at most once.
"""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule, run_state_machine_as_test

from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.points import account_reads, rules, store
from chalicelib.points import service as svc
from chalicelib.points.rules import InsufficientPoints, PointsAlreadyReleased, PointsRules

START = datetime(2025, 12, 20, 4, 0, tzinfo=UTC)  # near a year end: lots expire within steps
OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)
RULES = PointsRules()


class LedgerMachine(RuleBasedStateMachine):
    earnings = Bundle("earnings")
    redemptions = Bundle("redemptions")

    def __init__(self) -> None:
        super().__init__()
        self.user = new_id()  # the table is per test function: a fresh account per example
        self.now = START
        self.c = Counter()  # available, pending, spent, expired, earned, adjusted
        self.lots: dict[date, int] = {}
        self.pending: dict[str, tuple[int, datetime, date]] = {}  # source -> amount, release at, expiry
        self.reversed: set[str] = set()
        self.amounts: dict[str, int] = {}
        self.redeemed_lots: dict[str, list[tuple[date, int]]] = {}
        self.postings = 0
        self.streak = 0
        self.last_check_in: date | None = None

    # ---------------------------------------------------------------- helpers
    def _take(self, amount: int) -> list[tuple[date, int]]:
        taken = rules.consume_oldest_first(sorted(self.lots.items()), amount)
        for expiry, t in taken:
            self.lots[expiry] -= t
        return taken

    # ---------------------------------------------------------------- rules
    # Short steps cross return windows and check-in days; long ones cross expiry dates.
    @rule(days=st.one_of(st.integers(min_value=0, max_value=8), st.integers(min_value=150, max_value=600)),
          hours=st.integers(min_value=0, max_value=23))
    def advance_clock(self, days: int, hours: int) -> None:
        self.now += timedelta(days=days, hours=hours)

    @rule(target=earnings, amount=st.integers(min_value=1, max_value=800), pending=st.booleans())
    def earn(self, amount: int, pending: bool) -> str:
        source = f"order:{new_id()}"
        until = self.now + timedelta(days=7) if pending else None
        assert store.post_earn(self.user, source, amount, self.now, pending_until=until)
        expiry = rules.expires_on(self.now)
        self.c["earned"] += amount
        if pending:
            self.c["pending"] += amount
            self.pending[source] = (amount, until, expiry)
        else:
            self.c["available"] += amount
            self.lots[expiry] = self.lots.get(expiry, 0) + amount
        self.amounts[source] = amount
        self.postings += 1
        return source

    @rule(source=earnings)
    def earn_the_same_source_again(self, source: str) -> None:
        assert not store.post_earn(self.user, source, 999, self.now)

    @rule()
    def release_due(self) -> None:
        released = svc.release_due(self.user, self.now)
        due = [s for s, (_, until, _) in self.pending.items() if until <= self.now]
        assert released == sum(self.pending[s][0] for s in due)
        for s in due:
            amount, _, expiry = self.pending.pop(s)
            self.c["pending"] -= amount
            self.c["available"] += amount
            self.lots[expiry] = self.lots.get(expiry, 0) + amount

    @rule(target=redemptions, units=st.integers(min_value=1, max_value=8))
    def redeem(self, units: int):
        amount = units * 100
        order = new_id()
        if amount > self.c["available"]:
            with pytest.raises(InsufficientPoints):
                svc.redeem(self.user, order, amount, amount * 2, self.now, config=RULES)
            return multiple()
        result = svc.redeem(self.user, order, amount, amount * 2, self.now, config=RULES)
        assert result.applied and result.discount == amount
        self.redeemed_lots[f"redeem:{order}"] = self._take(amount)
        self.c["available"] -= amount
        self.c["spent"] += amount
        self.amounts[f"redeem:{order}"] = amount
        self.postings += 1
        assert not svc.redeem(self.user, order, amount, amount * 2, self.now, config=RULES).applied
        return f"redeem:{order}"

    @rule()
    def refund_an_unknown_source(self) -> None:
        with pytest.raises(rules.NoSuchPosting):
            store.reverse(self.user, f"order:{new_id()}", self.now)

    @rule(source=st.one_of(earnings, redemptions))
    def refund(self, source: str) -> None:
        if source in self.reversed:
            assert store.reverse(self.user, source, self.now) is False
            return
        amount = self.amounts[source]
        if source.startswith("order:"):
            if source not in self.pending:
                with pytest.raises(PointsAlreadyReleased):
                    store.reverse(self.user, source, self.now)
                return
            assert store.reverse(self.user, source, self.now)
            self.pending.pop(source)
            self.c["pending"] -= amount
            self.c["earned"] -= amount
        else:
            assert store.reverse(self.user, source, self.now)
            # Points returned into a lot past its date expire at once (docs/decisions.md):
            # a late cancellation never revives expired points.
            expired = 0
            for expiry, back in self.redeemed_lots[source]:
                if rules.is_expired(expiry, self.now):
                    expired += back
                else:
                    self.lots[expiry] = self.lots.get(expiry, 0) + back
            self.c["spent"] -= amount
            self.c["available"] += amount - expired
            self.c["expired"] += expired
            if expired:
                self.postings += 1  # the EXPIRE entry beside the REVERSE
        self.reversed.add(source)
        self.postings += 1

    @rule()
    def expire(self) -> None:
        due = [e for e in self.lots if rules.is_expired(e, self.now)]
        expected = sum(self.lots[e] for e in due)
        assert svc.expire(self.user, self.now) == expected
        for e in due:
            del self.lots[e]
        self.c["available"] -= expected
        self.c["expired"] += expected
        if expected:
            self.postings += 1

    @rule(hours=st.integers(min_value=0, max_value=47))
    def check_in(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        today = rules.local_date(self.now)
        result = svc.check_in(self.user, self.now, config=RULES)
        if self.last_check_in == today:
            assert result.outcome is svc.CheckInOutcome.ALREADY_CHECKED_IN and result.points == 0
            return
        self.streak = rules.next_streak(self.last_check_in, self.streak, today)
        self.last_check_in = today
        points = rules.check_in_points(self.streak, RULES)
        assert (result.outcome, result.streak, result.points) == (svc.CheckInOutcome.CHECKED_IN, self.streak, points)
        expiry = rules.expires_on(self.now)
        self.lots[expiry] = self.lots.get(expiry, 0) + points
        self.c["available"] += points
        self.c["earned"] += points
        self.postings += 1

    @rule(delta=st.integers(min_value=-400, max_value=400).filter(bool))
    def adjust(self, delta: int) -> None:
        if -delta > self.c["available"]:
            with pytest.raises(InsufficientPoints):
                svc.adjust(OPERATOR, self.user, delta, "correction", self.now)
            return
        assert svc.adjust(OPERATOR, self.user, delta, "correction", self.now)
        if delta > 0:
            expiry = rules.expires_on(self.now)
            self.lots[expiry] = self.lots.get(expiry, 0) + delta
        else:
            self._take(-delta)
        self.c["available"] += delta
        self.c["adjusted"] += delta
        self.postings += 1

    # ---------------------------------------------------------------- invariants
    @invariant()
    def account_matches_the_model_and_is_conserved(self) -> None:
        a = account_reads.get_account(self.user)
        assert a.available >= 0 and a.pending >= 0
        stored = (a.available, a.pending, a.spent, a.expired, a.earned, a.adjusted)
        c = self.c
        assert stored == (c["available"], c["pending"], c["spent"], c["expired"], c["earned"], c["adjusted"])
        assert a.available + a.pending + a.spent + a.expired == a.earned + a.adjusted

    @invariant()
    def balance_is_the_sum_of_entries_and_sources_post_once(self) -> None:
        entries = account_reads.all_entries(self.user)
        assert len(entries) == self.postings
        assert sum(e.amount for e in entries) == account_reads.get_account(self.user).balance
        assert max(Counter(e.source for e in entries).values(), default=1) == 1

    @invariant()
    def lots_hold_exactly_the_available_points(self) -> None:
        assert dict(account_reads.lots(self.user)) == self.lots
        assert sum(self.lots.values()) == self.c["available"]


def test_points_ledger_state_machine(emulator):
    # No shrink phase: against the emulator, shrinking can take minutes; a failure
    # still prints its steps and a seed (add Phase.shrink locally to minimise it).
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
