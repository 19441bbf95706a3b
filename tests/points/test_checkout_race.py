"""Points at checkout under concurrency: one member, several devices, several deals.
The points can pay for exactly as many seats as they cover; never below zero."""
from __future__ import annotations

import threading

from chalicelib.core.clock import utc_now
from chalicelib.groupbuy import service as groupbuy
from chalicelib.points import account_reads, store
from chalicelib.points.rules import InsufficientPoints
from tests.conftest import fresh_table
from tests.groupbuy.support import RecordingPayments, deal_setup, user

ROUNDS = 5
DEALS = 6
OPERATOR_ID = "01J0000000000000000000OPER"


def test_concurrent_checkouts_spend_each_point_once():
    for round_ in range(ROUNDS):
        fresh_table()
        deals = [deal_setup(team_size=2) for _ in range(DEALS)]
        buyer = user("bea")
        assert store.adjust(buyer.user_id, "adjust:fund", 2_000, "test funds", OPERATOR_ID, utc_now())
        payments = RecordingPayments()
        outcomes, errors = [], []
        start = threading.Barrier(DEALS)

        def checkout(deal, sku) -> None:
            try:
                start.wait()
                taken = groupbuy.open_team(buyer, deal.id, sku, None, payments, utc_now(), points=900)
                outcomes.append(taken.order.points_used)
            except InsufficientPoints:
                outcomes.append(0)
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(error))

        threads = [threading.Thread(target=checkout, args=(deal, sku)) for deal, sku, _ in deals]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], (round_, errors)
        assert sorted(outcomes) == [0] * (DEALS - 2) + [900, 900], (round_, outcomes)
        account = account_reads.get_account(buyer.user_id)
        assert (account.available, account.spent) == (200, 1_800), (round_, account)
        assert sum(e.amount for e in account_reads.all_entries(buyer.user_id)) == account.balance
