"""Where other areas' outcomes meet membership points.

Callers run at least once, never exactly once: the table stream redelivers a failed
record and Step Functions retries a failed task. Every hook therefore posts through
sources the ledger accepts once (``points.rules`` builds them), so a second run is
a no-op, and a hook that fails part-way is safe to run again in full.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from chalicelib.core.clock import utc_now
from chalicelib.core.observability import count
from chalicelib.points import service as points


def on_order_paid(user_id: str, order_id: str, product_id: str, paid_fen: int, paid_at: datetime) -> int:
    """Points for what was actually paid, pending until the return window (counted
    from the payment) closes; ×2 when the product is green. Returns the points."""
    from chalicelib.catalog.published import products as catalog_store

    record = catalog_store.product_record(product_id)
    green = paid_fen if record is not None and record.product.green else 0
    earned = points.earn_on_paid_order(user_id, order_id, paid_fen, paid_at, green_fen=green)
    if earned:
        count("PointsEarnedOnOrders", earned)
    return earned


def on_order_of_products_paid(user_id: str, order_id: str, paid_by_product: Mapping[str, int],
                              paid_at: datetime) -> int:
    """A regular order's points: for what its lines paid (fen by product, shipping apart),
    the green products' share ×2, pending until the return window closes. One batch read
    of its products, whatever their number. Returns the points."""
    green = sum(paid_by_product[product] for product in green_products(paid_by_product))
    earned = points.earn_on_paid_order(user_id, order_id, sum(paid_by_product.values()), paid_at, green_fen=green)
    if earned:
        count("PointsEarnedOnOrders", earned)
    return earned


def green_products(product_ids: Iterable[str]) -> set[str]:
    """Which of these products are green (×2 points): one BatchGetItem."""
    from chalicelib.catalog.published import products as catalog_store
    from chalicelib.core.table.batch import batch_get

    products = batch_get((catalog_store.product_pk(p), catalog_store.PRODUCT_SK) for p in product_ids)
    return {item.product_id for item in products if isinstance(item, catalog_store.ProductItem) and item.green}


def on_order_cancelled(user_id: str, order_id: str, now: datetime | None = None) -> bool:
    """An unpaid seat was given back: the points it took at checkout return."""
    return points.return_checkout_points(user_id, order_id, now or utc_now())


def on_order_refunded(user_id: str, order_id: str, now: datetime | None = None) -> bool:
    """Inside the return window the order's pending points are cancelled; the points
    it took at checkout return either way."""
    return points.reverse_on_refund(user_id, order_id, now or utc_now())


def on_order_completed(user_id: str, order_id: str, returns_until: datetime, now: datetime | None = None) -> bool:
    """A delivered order completed: its points stay pending until its return window closes."""
    from chalicelib.points import refunds

    return refunds.hold_until(user_id, order_id, returns_until, now or utc_now())


def on_team_succeeded(team_id: str, member_ids: Sequence[str], now: datetime | None = None) -> int:
    """+20 for each paid member of a team that succeeded (for real or virtually).
    Returns how many members were awarded by this call."""
    moment = now or utc_now()
    awarded = sum(1 for member in member_ids if points.award_team_success(member, team_id, moment))
    count("PointsTeamBonuses", awarded)
    return awarded


def on_post_approved(author_id: str, post_id: str, now: datetime | None = None) -> int:
    """An approved post earns its author points, within the daily cap."""
    return points.award_post(author_id, post_id, now or utc_now())
