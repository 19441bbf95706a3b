"""Commissions follow an order's refunds, and wait for the ones still open (root assembly): when after-sales pays
part of an order back, whoever earned a commission on it (its leader, its distributors) keeps what its lines still
have paid; an order paid back as a whole takes all of it back; the settle-commissions job holds back an entry while a
refund asked on its order is still open.

Why from the order's own stream record, in a root module: the refund's transaction adds to the order's
``after_sales_refunded``, and a commission is accrued from the same item's record when it was paid; a stream keeps
one item's records in order, so the reversal never runs before the accrual it corrects (records of two items may
come in either order). After-sales reads the lines' refunds; the ledger reverses, cumulatively, so a redelivered
record changes nothing. Neither feature imports the other: community, which accrues, sits below after-sales.
"""
from __future__ import annotations

from chalicelib.core.clock import utc_now
from chalicelib.core.stream import Change, on_change

PAID_BACK_IN_FULL = ("REFUNDING", "REFUNDED")  # the order's own refund (a failed group-buy team): all of it


@on_change("ShopOrder", "Order")
def order_refunded(change: Change) -> None:
    if not change.modified:
        return
    if change.moved("state") and change.new.get("state") in PAID_BACK_IN_FULL \
            and change.old.get("state") not in PAID_BACK_IN_FULL:
        from chalicelib.commissions.published import reverse_in_full

        reverse_in_full(change.new["order_id"], utc_now())  # one GetItem for an order nobody earned on
        return
    if not change.moved("after_sales_refunded"):
        return
    from chalicelib.aftersales.published.ledgers import refunded_by_line
    from chalicelib.commissions.published import has_commissions, reverse_refunded

    order_id = change.new["order_id"]
    if has_commissions(order_id):  # one GetItem for an order nobody earned on
        reverse_refunded(order_id, refunded_by_line(order_id), utc_now())


def settle_commissions(event_time: str, detail: dict | None) -> dict:
    """The settle-commissions job (app.py): the ledger's, holding back an entry while a refund asked on its order
    is still open (its return window closed with the goods on their way back): a later run settles it, or the
    refund reverses it first."""
    from chalicelib.aftersales.published.ledgers import add_no_open_request
    from chalicelib.commissions.jobs import run_scheduled
    from chalicelib.commissions.published import WAIT_LABEL

    return run_scheduled(event_time, detail,
                         unless=lambda tx, order_id: add_no_open_request(tx, order_id, WAIT_LABEL))
