"""The scheduled points jobs with a given ``now``: through the services, through
app.py's scheduled functions (an EventBridge event with ``detail.now``), and through
``python -m devstack.jobs`` against the test emulator."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecordEventName
from ulid import ULID

from chalicelib.core.clock import iso
from chalicelib.core.stream import Change, Image
from chalicelib.groupbuy.rules import OrderState
from chalicelib.points import account_reads, jobs, jobs_store, keys, rules_store, store
from chalicelib.points import service as svc
from chalicelib.points.models import PointsAccountItem
from chalicelib.points.rules import EntryKind, PointsRules, Tier
from chalicelib.purchases import service as purchases
from chalicelib.purchases import stream_handlers as purchases_stream
from devstack.context import LambdaContext
from devstack.jobs import JOBS, scheduled_event
from devstack.project import PROJECT_ROOT

UTC = UTC
CHINA = timezone(timedelta(hours=8))
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
WINDOW = timedelta(days=7)  # the return window: pending points wait this long
RULES = PointsRules()


def _users(n: int, spread: bool = True) -> list[str]:
    """``n`` user ids, in as many different shards as possible."""
    found: dict[int, str] = {}
    i = 0
    while len(found) < n:
        user = f"01J00000000000000000U{i:05d}"
        shard = keys.points_shard(user) if spread else len(found)
        found.setdefault(shard, user)
        i += 1
    return list(found.values())


USER, OTHER, THIRD = _users(3)


def _check(user: str) -> None:
    account = account_reads.get_account(user)
    assert account.balance == sum(e.amount for e in account_reads.all_entries(user))
    assert sum(r for _, r in account_reads.lots(user)) == account.available


# ---------------------------------------------------------------- release pending points
def test_a_paid_orders_points_are_released_after_seven_days_and_not_before():
    assert svc.earn_on_paid_order(USER, "o1", 12_345, NOW, config=RULES) == 123
    before = jobs.release_pending(NOW + WINDOW - timedelta(seconds=1))
    assert (before["users"], before["pointsReleased"], before["complete"]) == (0, 0, True)
    assert account_reads.get_account(USER).pending == 123

    summary = jobs.release_pending(NOW + WINDOW)
    assert summary == {"job": "release-pending", "now": "2025-06-08T04:00:00Z", "users": 1, "pointsReleased": 123,
                       "errors": 0, "complete": True}
    account = account_reads.get_account(USER)
    assert (account.available, account.pending) == (123, 0)
    _check(USER)

    again = jobs.release_pending(NOW + WINDOW)
    assert (again["users"], again["pointsReleased"]) == (0, 0)
    assert jobs.release_pending(NOW + WINDOW + timedelta(hours=1))["pointsReleased"] == 0
    assert account_reads.get_account(USER).available == 123


def test_each_due_user_is_released_once_across_shards_and_days():
    # USER: two orders due on different days; OTHER: one; THIRD: one not due yet.
    svc.earn_on_paid_order(USER, "a1", 10_000, NOW - timedelta(days=2), config=RULES)
    svc.earn_on_paid_order(USER, "a2", 20_000, NOW, config=RULES)
    svc.earn_on_paid_order(OTHER, "b1", 30_000, NOW - timedelta(hours=1), config=RULES)
    svc.earn_on_paid_order(THIRD, "c1", 40_000, NOW + timedelta(hours=1), config=RULES)
    assert len({keys.points_shard(u) for u in (USER, OTHER, THIRD)}) == 3

    summary = jobs.release_pending(NOW + WINDOW)
    assert (summary["users"], summary["pointsReleased"]) == (2, 100 + 200 + 300)
    assert [account_reads.get_account(u).pending for u in (USER, OTHER, THIRD)] == [0, 0, 400]
    assert jobs.release_pending(NOW + WINDOW + timedelta(hours=1))["pointsReleased"] == 400
    for user in (USER, OTHER, THIRD):
        _check(user)


def test_a_reversed_earning_is_not_released():
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    assert svc.reverse_on_refund(USER, "o1", NOW + timedelta(days=1))
    summary = jobs.release_pending(NOW + WINDOW)
    assert (summary["pointsReleased"], summary["errors"]) == (0, 0)
    assert account_reads.get_account(USER).available == 0


def test_the_lookback_is_configurable():
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    late = NOW + WINDOW + timedelta(days=20)  # the job was down for 20 days
    assert jobs.release_pending(late)["pointsReleased"] == 0
    assert jobs.release_pending(late, lookback_days=21)["pointsReleased"] == 100


def test_a_release_run_stops_at_its_budget_and_the_next_run_carries_on():
    users = _users(3)
    for i, user in enumerate(users):
        svc.earn_on_paid_order(user, f"o{i}", 10_000, NOW, config=RULES)
    first = jobs.release_pending(NOW + WINDOW, lookback_days=1, budget=jobs.Budget(max_users=2))
    assert (first["users"], first["pointsReleased"], first["complete"]) == (2, 200, False)
    second = jobs.release_pending(NOW + WINDOW, lookback_days=1, budget=jobs.Budget(max_users=2))
    assert (second["users"], second["pointsReleased"], second["complete"]) == (1, 100, True)
    assert all(account_reads.get_account(u).available == 100 for u in users)


def test_one_failing_user_does_not_stop_the_others(monkeypatch):
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    svc.earn_on_paid_order(OTHER, "o2", 10_000, NOW, config=RULES)
    real = svc.release_due

    def flaky(user_id, now):
        if user_id == USER:
            raise RuntimeError("boom")
        return real(user_id, now)

    monkeypatch.setattr(svc, "release_due", flaky)
    summary = jobs.release_pending(NOW + WINDOW, lookback_days=1)
    assert (summary["users"], summary["pointsReleased"], summary["errors"]) == (2, 100, 1)
    monkeypatch.setattr(svc, "release_due", real)
    assert jobs.release_pending(NOW + WINDOW, lookback_days=1)["pointsReleased"] == 100  # the next run retries it


# ---------------------------------------------------------------- expire points
def test_expiry_dates_are_the_past_years_dec_31_in_china_time():
    assert jobs.expiry_dates(datetime(2026, 1, 1, 0, 0, tzinfo=CHINA)) == [
        date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31)]
    # 2025-12-31T23:59 in China is still 2025: the 2025-12-31 lots are spendable today.
    assert jobs.expiry_dates(datetime(2025, 12, 31, 15, 59, tzinfo=UTC), years=1) == [date(2024, 12, 31)]
    assert jobs.expiry_dates(datetime(2025, 12, 31, 16, 0, tzinfo=UTC), years=1) == [date(2025, 12, 31)]


def test_at_the_turn_of_the_year_after_next_exactly_the_old_lots_expire_oldest_first():
    earned = {2023: 30, 2024: 50, 2025: 70}
    for year, amount in earned.items():  # OTHER: the same lots as USER
        for user in (USER, OTHER):
            assert store.post_earn(user, f"earn:{year}", amount, datetime(year, 6, 1, tzinfo=CHINA))
    assert svc.redeem(OTHER, "r1", 100, 100_000, datetime(2025, 7, 1, tzinfo=CHINA), config=RULES).applied
    # OTHER spent 100, oldest first: all of 2023's 30, 50 of 2024's ... and 20 of 2025's.
    assert account_reads.lots(OTHER) == [(date(2024, 12, 31), 0), (date(2025, 12, 31), 0), (date(2026, 12, 31), 50)]

    # The last second of 2025 in China: only the points earned in 2023 are due.
    last_second = datetime(2025, 12, 31, 23, 59, 59, tzinfo=CHINA)
    summary = jobs.expire_points(last_second)
    assert (summary["users"], summary["pointsExpired"], summary["complete"]) == (2, 30, True)
    assert account_reads.lots(USER) == [(date(2025, 12, 31), 50), (date(2026, 12, 31), 70)]

    # 2026 begins: 2024's points expire; 2025's stay until the end of 2026.
    new_year = datetime(2026, 1, 1, 0, 0, tzinfo=CHINA)
    summary = jobs.expire_points(new_year)
    assert (summary["users"], summary["pointsExpired"]) == (2, 50)
    assert account_reads.lots(USER) == [(date(2026, 12, 31), 70)]
    assert account_reads.lots(OTHER) == [(date(2026, 12, 31), 50)]
    account = account_reads.get_account(USER)
    assert (account.available, account.expired) == (70, 80)
    expiries = [e for e in account_reads.all_entries(USER) if e.kind is EntryKind.EXPIRE]
    assert [(e.amount, e.lots) for e in expiries] == [(-30, ((date(2024, 12, 31), 30),)),
                                                      (-50, ((date(2025, 12, 31), 50),))]
    for user in (USER, OTHER):
        _check(user)

    again = jobs.expire_points(new_year)
    assert (again["users"], again["pointsExpired"]) == (0, 0)


def test_a_user_behind_on_several_years_is_swept_once_oldest_lot_first():
    for year, amount in ((2022, 10), (2023, 20), (2024, 40)):
        store.post_earn(USER, f"earn:{year}", amount, datetime(year, 3, 1, tzinfo=CHINA))
    summary = jobs.expire_points(datetime(2026, 1, 1, 0, 5, tzinfo=CHINA))
    assert (summary["users"], summary["pointsExpired"]) == (1, 70)
    (entry,) = [e for e in account_reads.all_entries(USER) if e.kind is EntryKind.EXPIRE]
    assert entry.lots == ((date(2023, 12, 31), 10), (date(2024, 12, 31), 20), (date(2025, 12, 31), 40))
    assert entry.source.startswith("expire:2023-12-31:")
    assert account_reads.lots(USER) == []


def test_how_far_back_expiry_looks_is_configurable():
    store.post_earn(USER, "earn:2019", 10, datetime(2019, 3, 1, tzinfo=CHINA))  # expired on 2020-12-31
    new_year = datetime(2026, 1, 1, 0, 5, tzinfo=CHINA)
    assert jobs.expire_points(new_year)["pointsExpired"] == 0  # 2022-2025 by default
    assert jobs.expire_points(new_year, years=6)["pointsExpired"] == 10


# ---------------------------------------------------------------- tiers and segments
def _account_items(user: str) -> PointsAccountItem:
    return PointsAccountItem.get(keys.points_pk(user), keys.ACCOUNT_SK, consistent_read=True)


def test_tiers_follow_growth_and_the_stored_rules():
    svc.earn_on_paid_order(USER, "o1", 150_000, NOW, config=RULES)  # growth 1,500: silver
    svc.check_in(OTHER, NOW, config=RULES)  # an account with no growth at all: bronze
    summary = jobs.recompute_standing(NOW)
    assert summary == {"job": "recompute-tiers", "now": "2025-06-01T04:00:00Z", "users": 2, "tiersChanged": 2,
                       "segmentsChanged": 2, "errors": 0, "complete": True}
    assert (account_reads.get_account(USER).tier, account_reads.get_account(OTHER).tier) == ("silver", "bronze")
    assert _account_items(USER).segmented_at == "2025-06-01T04:00:00Z"

    again = jobs.recompute_standing(NOW + timedelta(days=1))
    assert (again["users"], again["tiersChanged"], again["segmentsChanged"]) == (2, 0, 0)
    assert _account_items(USER).segmented_at == "2025-06-01T04:00:00Z"  # since when, not last checked

    rules_store.put_rules(PointsRules(tiers=(Tier("bronze", 0, 1000), Tier("silver", 2_000, 1200),
                                       Tier("gold", 5_000, 1500), Tier("diamond", 20_000, 2000))), NOW)
    assert jobs.recompute_standing(NOW)["tiersChanged"] == 1
    assert account_reads.get_account(USER).tier == "bronze"

    svc.earn_on_paid_order(USER, "o2", 400_000, NOW, config=RULES)  # growth 5,500: gold
    assert jobs.recompute_standing(NOW)["tiersChanged"] == 1
    assert account_reads.get_account(USER).tier == "gold"
    assert account_reads.get_account(USER).available == 0  # the job touches tier and segment only


def test_the_standing_write_never_creates_an_account_and_never_writes_a_stale_value(emulator):
    ghost = jobs_store.Standing("01J0000000000000000000GHOST", 0, None, None)
    assert not jobs_store.record_standing(ghost, "bronze", "churn_warning", NOW)
    assert jobs_store.standing(ghost.user_id) is None

    svc.earn_on_paid_order(USER, "o1", 150_000, NOW, config=RULES)
    stale = jobs_store.Standing(USER, 100, None, None)  # growth read before the order
    assert not jobs_store.record_standing(stale, "bronze", "churn_warning", NOW)
    fresh = jobs_store.standing(USER)
    assert (fresh.growth, fresh.tier) == (1_500, None)
    emulator.clear_log()
    assert jobs_store.record_standing(fresh, "silver", "churn_warning", NOW)
    assert emulator.dynamodb_operations() == ["UpdateItem"]
    emulator.clear_log()
    assert jobs_store.record_standing(jobs_store.standing(USER), "silver", "churn_warning", NOW)
    assert emulator.dynamodb_operations() == ["GetItem"]  # unchanged: nothing written


def test_an_account_changing_under_the_job_is_read_again(monkeypatch):
    svc.earn_on_paid_order(USER, "o1", 150_000, NOW, config=RULES)
    real = jobs_store.accounts_page

    def stale_index(shard, after=None, limit=jobs_store.PAGE_SIZE):
        return real(shard, after, limit).map(lambda a: jobs_store.Standing(a.user_id, 0, a.tier, a.segment))  # growth lags

    monkeypatch.setattr(jobs_store, "accounts_page", stale_index)
    summary = jobs.recompute_standing(NOW)
    assert (summary["tiersChanged"], summary["errors"]) == (1, 0)
    assert account_reads.get_account(USER).tier == "silver"  # from the consistent re-read, not the stale 0


def _order(user: str, paid: datetime | None, amount: int, state: OrderState = OrderState.TO_SHIP,
           refunded: int = 0) -> None:
    """An order's life as the table stream tells it to the purchase history, the only
    thing the segments read (its id sorts by creation time, as group-buy's do)."""
    created = (paid or NOW) - timedelta(minutes=5)
    order_id = str(ULID.from_datetime(created))
    life = [{"type": "Order", "order_id": order_id, "user_id": user, "product_id": "P", "amount": amount,
             "captured": 0, "refunded": 0, "state": OrderState.AWAITING_PAYMENT.value}]
    if paid:
        life.append({**life[-1], "state": OrderState.PAID_AWAITING_TEAM.value, "paid_at": iso(paid), "captured": amount})
    if state in (OrderState.REFUNDING, OrderState.REFUNDED):
        life.append({**life[-1], "state": OrderState.REFUNDING.value})
    if state not in (OrderState.AWAITING_PAYMENT, OrderState.PAID_AWAITING_TEAM, OrderState.REFUNDING):
        life.append({**life[-1], "state": state.value})
    if refunded:
        life.append({**life[-1], "refunded": refunded})
    before: dict = {}
    for image in life:
        event = DynamoDBRecordEventName.MODIFY if before else DynamoDBRecordEventName.INSERT
        purchases_stream.order_changed(Change("Order", event, Image(image), Image(before)))
        before = image


def test_segments_come_from_paid_orders_that_were_not_cancelled_or_refunded():
    diamond, gold, silver, churned = _users(4)
    for user in (diamond, gold, silver, churned):
        store.post_earn(user, "welcome", 1, NOW - timedelta(days=200))
    for days in (1, 10, 20):
        _order(diamond, NOW - timedelta(days=days), 90_000)
        _order(gold, NOW - timedelta(days=days), 50_000)  # 3 in 30 days, average ≤ ¥800
    _order(silver, NOW - timedelta(days=75), 5_000, OrderState.COMPLETED)
    _order(silver, NOW - timedelta(days=5), 90_000, OrderState.REFUNDED, refunded=90_000)
    _order(silver, NOW - timedelta(days=4), 90_000, OrderState.REFUNDING)
    _order(silver, None, 90_000, OrderState.CANCELLED)
    _order(silver, None, 90_000, OrderState.AWAITING_PAYMENT)
    _order(churned, NOW - timedelta(days=91), 900_000, OrderState.COMPLETED)

    summary = jobs.recompute_standing(NOW)
    assert (summary["users"], summary["segmentsChanged"], summary["errors"]) == (4, 4, 0)
    assert [account_reads.get_account(u).segment for u in (diamond, gold, silver, churned)] == [
        "diamond", "gold", "silver", "churn_warning"]

    # A month later nobody bought again: diamond's purchases are 32-51 days old (gold),
    # silver's one is 106 days old (churn warning); each moves once.
    later = NOW + timedelta(days=31)
    assert jobs.recompute_standing(later)["segmentsChanged"] == 2
    assert [account_reads.get_account(u).segment for u in (diamond, gold, silver, churned)] == [
        "gold", "gold", "churn_warning", "churn_warning"]
    assert jobs.recompute_standing(later)["segmentsChanged"] == 0


def test_a_partly_refunded_order_counts_what_was_kept():
    for days in (1, 2, 3):
        _order(USER, NOW - timedelta(days=days), 100_000, refunded=30_000 if days == 1 else 0)
    assert [p.amount_fen for p in jobs.purchases(USER, NOW)] == [70_000, 100_000, 100_000]  # avg 90,000
    store.post_earn(USER, "welcome", 1, NOW)
    jobs.recompute_standing(NOW)
    assert account_reads.get_account(USER).segment == "diamond"


def test_reading_orders_stops_past_the_90_days(emulator, monkeypatch):
    monkeypatch.setattr(purchases, "HISTORY_PAGE", 2)
    for days in (1, 2, 100, 101, 102, 103):
        _order(USER, NOW - timedelta(days=days), 10_000)
    emulator.clear_log()
    assert len(jobs.purchases(USER, NOW)) == 2
    assert emulator.dynamodb_operations() == ["Query", "Query"]  # not the third page


def _deliver_orders_to_the_purchase_history(emulator) -> None:
    """The table stream's Order records, to the purchase history's handler only."""
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

    from chalicelib.core.stream import change_of
    from devstack.streams import StreamPoller

    def consumer(event: dict, context: object) -> dict:
        for raw in event["Records"]:
            change = change_of(DynamoDBRecord(raw))
            if change is not None and change.item_type == "Order":
                purchases_stream.order_changed(change)
        return {"batchItemFailures": []}

    StreamPoller(emulator.endpoint_url, os.environ["TUANSTACK_TABLE"], consumer).drain()


def test_segments_from_group_buy_orders_made_through_the_services(emulator):
    from chalicelib.core.clock import utc_now
    from chalicelib.groupbuy import service as groupbuy
    from tests.groupbuy.support import RecordingPayments, capture, deal_setup, user

    payments = RecordingPayments()
    deal, sku, _ = deal_setup(team_size=3)
    alice, bob = user("alice"), user("bob")
    paid = groupbuy.open_team(alice, deal.id, sku, None, payments, utc_now()).order
    capture(paid)  # PAID_AWAITING_TEAM: a purchase until the team fails
    unpaid = groupbuy.open_team(bob, deal.id, sku, None, payments, utc_now()).order
    groupbuy.cancel_seat(bob, unpaid.id, utc_now())
    now = utc_now() + timedelta(minutes=1)
    svc.earn_on_paid_order(alice.user_id, paid.id, paid.amount.amount, now, config=RULES)
    svc.check_in(bob.user_id, now, config=RULES)
    _deliver_orders_to_the_purchase_history(emulator)

    summary = jobs.recompute_standing(now)
    assert (summary["users"], summary["errors"]) == (2, 0)
    assert account_reads.get_account(alice.user_id).segment == "gold"
    assert account_reads.get_account(bob.user_id).segment == "churn_warning"


def test_a_tier_run_resumes_from_where_it_stopped():
    users = _users(5)
    for user in users:
        svc.earn_on_paid_order(user, "o", 150_000, NOW, config=RULES)
    first = jobs.recompute_standing(NOW, budget=jobs.Budget(max_users=2))
    assert (first["users"], first["complete"]) == (2, False)
    resume = first["resume"]
    assert set(resume) == {"shard", "after"}
    second = jobs.recompute_standing(NOW, resume=resume, budget=jobs.Budget(max_users=2))
    third = jobs.recompute_standing(NOW, resume=second["resume"])
    assert (second["complete"], third["complete"]) == (False, True)
    assert first["tiersChanged"] + second["tiersChanged"] + third["tiersChanged"] == 5
    assert first["users"] + second["users"] + third["users"] == 5
    assert {account_reads.get_account(u).tier for u in users} == {"silver"}


# ---------------------------------------------------------------- app.py's scheduled functions
def _invoke(function: str, detail: dict, time: str = "2025-06-08T04:00:00Z") -> dict:
    import app as app_module

    event = {**scheduled_event("unused", {}), "time": time, "detail": detail}
    context = LambdaContext(function_name=f"tuanstack-prod-{function}", invoked_function_arn="arn:x",
                            timeout_seconds=900)
    return app_module.app.handler_map[function](event, context)


def test_the_scheduled_functions_run_their_jobs_with_detail_now():
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    early = _invoke("release_pending_points", {"now": "2025-06-08T11:59:59+08:00"})  # 1 s early
    assert (early["now"], early["pointsReleased"]) == ("2025-06-08T03:59:59Z", 0)
    summary = _invoke("release_pending_points", {"now": "2025-06-08T12:00:00+08:00"})
    assert (summary["job"], summary["pointsReleased"], summary["complete"]) == ("release-pending", 100, True)

    store.post_earn(OTHER, "old", 40, datetime(2024, 3, 1, tzinfo=CHINA))
    expired = _invoke("expire_points", {"now": "2026-01-01T00:05:00+08:00", "years": 2})
    assert (expired["job"], expired["pointsExpired"]) == ("expire", 40)

    tiers = _invoke("recompute_tiers", {"now": "2025-06-08T12:00:00+08:00", "shards": [keys.points_shard(USER)]})
    assert (tiers["job"], tiers["users"], tiers["tiersChanged"]) == ("recompute-tiers", 1, 1)


def test_without_detail_now_the_events_time_is_now():
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    assert _invoke("release_pending_points", {"lookbackDays": 0}, time="2025-06-08T03:00:00Z")["pointsReleased"] == 0
    summary = _invoke("release_pending_points", {"lookbackDays": 0}, time="2025-06-08T04:00:00Z")
    assert (summary["now"], summary["pointsReleased"]) == ("2025-06-08T04:00:00Z", 100)


@pytest.mark.parametrize("detail", [
    {"now": "2025-06-08T12:00:00"},  # no zone
    {"now": "2025-06-08T12:00:00Z", "years": 2},  # not an option of this job
    {"now": "2025-06-08T12:00:00Z", "lookbackDays": -1},
    {"now": "2025-06-08T12:00:00Z", "shards": [8]},
    {"now": "2025-06-08T12:00:00Z", "maxUsers": 0},
])
def test_bad_on_demand_options_are_refused(detail):
    with pytest.raises(ValueError):
        _invoke("release_pending_points", detail)


def test_the_cli_knows_every_scheduled_function():
    import app as app_module

    assert set(JOBS.values()) <= set(app_module.app.handler_map)
    assert set(JOBS) - {"overdue-disputes", "settle-commissions", "reward-referrals"} == set(jobs.JOBS)  # tests/aftersales,
    # tests/commissions, tests/referrals


# ---------------------------------------------------------------- python -m devstack.jobs
def _cli(emulator, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devstack.jobs", *args, "--aws-port", str(emulator.port),
         "--table", os.environ["TUANSTACK_TABLE"]],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_the_cli_runs_a_job_against_the_running_emulator(emulator):
    svc.earn_on_paid_order(USER, "o1", 10_000, NOW, config=RULES)
    result = _cli(emulator, "release-pending", "--now", "2025-06-08T12:00:00+08:00")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["job"], summary["users"], summary["pointsReleased"]) == ("release-pending", 1, 100)
    assert account_reads.get_account(USER).available == 100

    result = _cli(emulator, "recompute-tiers", "--now", "2025-06-08T12:00:00+08:00", "--max-users", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["users"] == 1


def test_the_cli_refuses_a_time_without_a_zone_and_a_stack_that_is_not_running(emulator):
    result = _cli(emulator, "expire", "--now", "2026-01-01T00:05:00")
    assert result.returncode == 2 and "zone" in result.stderr
    result = subprocess.run([sys.executable, "-m", "devstack.jobs", "expire", "--aws-port", "1"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "make dev" in result.stderr
