"""Stock counters and reservations as a state machine, against the emulator.

One SKU per example (created through the catalog service in ``initialize``: the
table is reset per test function, not per Hypothesis example). Each rule calls a
real primitive and checks its answer against a model; the invariants compare the
stored counters and reservation states with the model after every step.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chalicelib.catalog import keys
from chalicelib.catalog import service as catalog
from chalicelib.catalog import stock as stock_store
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.models import ReservationItem
from chalicelib.catalog.stock import ReservationState, StockKey
from chalicelib.core.errors import InvalidState, NotFound, OutOfStock, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table.batch import batch_get

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HOLD = timedelta(minutes=15)
OPERATOR = Principal(user_id=new_id(), role=Role.OPERATOR)
MERCHANT = Principal(user_id=new_id(), role=Role.MERCHANT)
HELD, RELEASED, COMMITTED = ReservationState.HELD, ReservationState.RELEASED, ReservationState.COMMITTED


class StockMachine(RuleBasedStateMachine):
    reservations = Bundle("reservations")

    def __init__(self) -> None:
        super().__init__()
        self.product_id = ""
        self.key: StockKey | None = None
        self.initial = self.available = self.reserved = self.sold = self.adjustments = 0
        self.states: dict[str, ReservationState] = {}
        self.quantities: dict[str, int] = {}

    # ---------------------------------------------------------------- set-up
    @initialize(initial=st.integers(min_value=0, max_value=30))
    def create_sku(self, initial: int) -> None:
        category = catalog.create_category(OPERATOR, "Stock", None)
        record = catalog.create_product(
            MERCHANT,
            catalog.NewProduct(category_id=category.id, name="Widget",
                               skus=(catalog.SkuInput(code="W-1", price=100, stock=initial),)),
            NOW,
        )
        self.product_id = record.product.id
        self.key = StockKey.of_sku(record.product.id, record.skus[0].id)
        self.initial = self.available = initial

    # ---------------------------------------------------------------- helpers
    def _held(self) -> list[str]:
        return [r for r, s in self.states.items() if s is HELD]

    def _release(self, reservation_id: str) -> bool:
        return catalog.release_reservation(reservation_id, NOW + timedelta(minutes=1))

    def _commit(self, reservation_id: str) -> bool:
        return catalog.commit_reservation(reservation_id, NOW + timedelta(minutes=1))

    def _expect_resolution(self, reservation_id: str, outcome: ReservationState, returned: bool) -> None:
        """Update the model for release/commit and check the primitive's answer."""
        was_held = self.states[reservation_id] is HELD
        assert returned is was_held, (reservation_id, self.states[reservation_id], outcome)
        if not was_held:
            return
        q = self.quantities[reservation_id]
        self.reserved -= q
        if outcome is RELEASED:
            self.available += q
        else:
            self.sold += q
        self.states[reservation_id] = outcome

    # ---------------------------------------------------------------- rules
    @rule(target=reservations, quantity=st.integers(min_value=1, max_value=12))
    def reserve(self, quantity: int):
        if quantity > self.available:
            with pytest.raises(OutOfStock):
                catalog.reserve_stock("owner", self.key, quantity, HOLD, NOW)
            return multiple()
        reservation = catalog.reserve_stock("owner", self.key, quantity, HOLD, NOW)
        assert reservation.state is HELD and reservation.quantity == quantity
        self.available -= quantity
        self.reserved += quantity
        self.states[reservation.id] = HELD
        self.quantities[reservation.id] = quantity
        return reservation.id

    @rule(quantity=st.integers(min_value=-3, max_value=0))
    def reserve_nothing_or_less(self, quantity: int) -> None:
        with pytest.raises(ValidationFailed):
            catalog.reserve_stock("owner", self.key, quantity, HOLD, NOW)

    @rule(reservation_id=reservations, quantity=st.integers(min_value=1, max_value=40))
    def reserve_with_a_taken_id(self, reservation_id: str, quantity: int) -> None:
        # The same id for another request is refused; the same request again (a retry of
        # one that did apply) succeeds. Either way no unit is taken twice (the invariants).
        if quantity == self.quantities[reservation_id]:
            catalog.reserve_stock("owner", self.key, quantity, HOLD, NOW, reservation_id=reservation_id)
        else:
            with pytest.raises(InvalidState):
                catalog.reserve_stock("owner", self.key, quantity, HOLD, NOW, reservation_id=reservation_id)

    @rule(reservation_id=reservations)
    def release(self, reservation_id: str) -> None:
        self._expect_resolution(reservation_id, RELEASED, self._release(reservation_id))

    @rule(reservation_id=reservations)
    def release_twice(self, reservation_id: str) -> None:
        self._expect_resolution(reservation_id, RELEASED, self._release(reservation_id))
        assert self._release(reservation_id) is False
        self._expect_resolution(reservation_id, RELEASED, False)

    @rule(reservation_id=reservations)
    def commit(self, reservation_id: str) -> None:
        self._expect_resolution(reservation_id, COMMITTED, self._commit(reservation_id))

    @rule(reservation_id=reservations)
    def commit_after_release(self, reservation_id: str) -> None:
        self._expect_resolution(reservation_id, RELEASED, self._release(reservation_id))
        assert self.states[reservation_id] in (RELEASED, COMMITTED)  # resolved, one way or the other
        assert self._commit(reservation_id) is False  # and the invariants check it changed nothing

    @rule(reservation_id=reservations)
    def release_after_commit(self, reservation_id: str) -> None:
        self._expect_resolution(reservation_id, COMMITTED, self._commit(reservation_id))
        assert self.states[reservation_id] in (COMMITTED, RELEASED)
        assert self._release(reservation_id) is False  # and the invariants check it changed nothing

    @rule(reservation_id=consumes(reservations))
    def resolve_directly_twice(self, reservation_id: str) -> None:
        # The store's own guard, without the service's read-then-check in front of it.
        reservation = stock_store.get_reservation(reservation_id)
        first = stock_store.resolve(reservation, RELEASED, "2025-06-01T12:01:00Z")
        self._expect_resolution(reservation_id, RELEASED, first)
        assert stock_store.resolve(reservation, COMMITTED, "2025-06-01T12:02:00Z") is False

    @rule()
    def release_unknown(self) -> None:
        with pytest.raises(NotFound):
            self._release(new_id())
        with pytest.raises(NotFound):
            self._commit(new_id())

    @rule(delta=st.integers(min_value=-15, max_value=15).filter(bool))
    def adjust(self, delta: int) -> None:
        if self.available + delta < 0:
            with pytest.raises(OutOfStock):
                stock_store.adjust_available(self.key, delta)
            return
        counters = stock_store.adjust_available(self.key, delta)
        self.available += delta
        self.adjustments += delta
        assert (counters.available, counters.reserved, counters.sold) == (self.available, self.reserved, self.sold)

    @rule(quantity=st.integers(min_value=0, max_value=30))
    def set_available(self, quantity: int) -> None:
        counters = stock_store.set_available(self.key, quantity)
        self.adjustments += quantity - self.available
        self.available = quantity
        assert (counters.available, counters.reserved, counters.sold) == (self.available, self.reserved, self.sold)

    # ---------------------------------------------------------------- invariants
    def _stored(self):
        record = catalog_store.product_record(self.product_id, consistent=True)
        assert record is not None and len(record.skus) == 1
        return record.skus[0].stock

    @precondition(lambda self: self.key is not None)
    @invariant()
    def counters_match_the_model_and_are_conserved(self) -> None:
        stock = self._stored()
        assert stock.available >= 0 and stock.reserved >= 0 and stock.sold >= 0
        assert (stock.available, stock.reserved, stock.sold) == (self.available, self.reserved, self.sold)
        assert stock.available + stock.reserved + stock.sold == self.initial + self.adjustments

    @precondition(lambda self: self.key is not None)
    @invariant()
    def reserved_is_what_held_reservations_hold(self) -> None:
        if not self.states:
            assert self._stored().reserved == 0
            return
        items = batch_get((keys.reservation_pk(r), keys.RESERVATION_SK) for r in self.states)
        stored = {i.reservation_id: i for i in items if isinstance(i, ReservationItem)}
        assert set(stored) == set(self.states)
        for reservation_id, item in stored.items():
            assert ReservationState(item.state) is self.states[reservation_id]
            assert int(item.quantity) == self.quantities[reservation_id]
            assert (item.resolved_at is None) == (self.states[reservation_id] is HELD)
        held = sum(int(i.quantity) for i in stored.values() if i.state == HELD.value)
        assert held == self._stored().reserved == self.reserved


def test_stock_state_machine(emulator):
    # No shrink phase: against the emulator, shrinking a failure can take minutes. A
    # failure still prints its (at most 25) steps and a seed to rerun it with
    # (--hypothesis-seed=...); add Phase.shrink locally to minimise it.
    run_state_machine_as_test(
        StockMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
