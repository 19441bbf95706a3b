"""Regular orders and their payment in the table: placed in one transaction with everything
they take (stock held, coupons used, points spent, cart lines removed), then paid or
cancelled in one transaction each, guarded by the payment's state so either happens once."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import size

from chalicelib.addresses.published.checkout import ShippingAddress
from chalicelib.addresses.published.models import address_map, snapshot_of
from chalicelib.catalog.published.stock import StockKey, add_hold, add_release_hold, add_sell_hold
from chalicelib.checkout import keys
from chalicelib.checkout.models import HeldMap, OrderLineMap, PaymentItem, PaymentShareItem, ShopOrderItem
from chalicelib.checkout.rules import (
    HeldStock,
    LineOutOfStock,
    OrderLine,
    OrderState,
    Payment,
    PaymentState,
    PickupRef,
    ShopOrder,
)
from chalicelib.community.published.checkout import PickupOffer, add_paid, add_release
from chalicelib.community.published.models import pickup_map
from chalicelib.community.published.models import snapshot_of as pickup_snapshot_of
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import put_if, update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.orders.published.models import attribution_from, attribution_map


# ---------------------------------------------------------------- mapping
def order_item(order: ShopOrder, address: ShippingAddress | None, pickup: PickupOffer | None = None) -> ShopOrderItem:
    return ShopOrderItem(
        keys.order_pk(order.id), keys.ORDER_SK,
        GSI1PK=keys.user_orders(order.user_id), GSI1SK=order.id,
        GSI2PK=keys.merchant_orders(order.merchant_id), GSI2SK=order.id,
        order_id=order.id, payment_id=order.payment_id, user_id=order.user_id, merchant_id=order.merchant_id,
        state=order.state.value, shipping=order.shipping, promotion_id=order.promotion_id,
        merchant_coupon_id=order.merchant_coupon_id, created_at=iso(order.created_at), pay_by=iso(order.pay_by),
        lines=[OrderLineMap(sku_id=ln.sku_id, product_id=ln.product_id, product_name=ln.product_name,
                            sku_code=ln.sku_code, quantity=ln.quantity, unit_price=ln.unit_price,
                            promotion=ln.promotion, merchant_coupon=ln.merchant_coupon,
                            platform_coupon=ln.platform_coupon, points=ln.points, paid=ln.paid) for ln in order.lines],
        address=None if address is None else address_map(address),
        pickup=None if pickup is None else pickup_map(pickup),
        attribution=attribution_map(order.attribution),
    )


def to_order(item: ShopOrderItem) -> ShopOrder:
    return ShopOrder(
        id=item.order_id, payment_id=item.payment_id, user_id=item.user_id, merchant_id=item.merchant_id,
        state=OrderState(item.state), shipping=int(item.shipping), created_at=from_iso(item.created_at),
        pay_by=from_iso(item.pay_by), promotion_id=item.promotion_id, merchant_coupon_id=item.merchant_coupon_id,
        paid_at=from_iso(item.paid_at) if item.paid_at else None,
        cancelled_at=from_iso(item.cancelled_at) if item.cancelled_at else None,
        pickup=None if item.pickup is None else pickup_snapshot_of(item.pickup),
        attribution=attribution_from(item),
        lines=tuple(OrderLine(ln.sku_id, ln.product_id, ln.product_name, ln.sku_code, int(ln.quantity),
                              int(ln.unit_price), int(ln.promotion), int(ln.merchant_coupon),
                              int(ln.platform_coupon), int(ln.points)) for ln in item.lines),
    )


def shipping_address_of(item: ShopOrderItem) -> ShippingAddress | None:
    return None if item.address is None else snapshot_of(item.address)


def payment_item(payment: Payment) -> PaymentItem:
    return PaymentItem(
        keys.payment_pk(payment.id), keys.PAYMENT_SK,
        payment_id=payment.id, user_id=payment.user_id, order_ids=list(payment.order_ids), amount=payment.amount,
        currency=payment.currency, state=payment.state.value, coupon_ids=list(payment.coupon_ids),
        points_used=payment.points_used, created_at=iso(payment.created_at), pay_by=iso(payment.pay_by),
        stock=[HeldMap(product_id=s.product_id, sku_id=s.sku_id, quantity=s.quantity) for s in payment.stock],
        pickup_round_id=payment.pickup.round_id if payment.pickup else None,
        pickup_leader_id=payment.pickup.leader_id if payment.pickup else None,
    )


def to_payment(item: PaymentItem) -> Payment:
    return Payment(
        id=item.payment_id, user_id=item.user_id, order_ids=tuple(item.order_ids), amount=int(item.amount),
        state=PaymentState(item.state), created_at=from_iso(item.created_at), pay_by=from_iso(item.pay_by),
        stock=tuple(HeldStock(s.product_id, s.sku_id, int(s.quantity)) for s in item.stock),
        coupon_ids=tuple(item.coupon_ids), points_used=int(item.points_used), currency=item.currency,
        paid_at=from_iso(item.paid_at) if item.paid_at else None, payer_id=item.payer_id,
        captured=int(item.captured), refunded=int(item.refunded), refund_attempt=int(item.refund_attempt),
        refund_error=item.refund_error, trade_no=item.trade_no, share_code=item.share_code,
        trade_payers={str(k): str(v) for k, v in (item.trade_payers.as_dict() if item.trade_payers else {}).items()},
        pickup=PickupRef(item.pickup_round_id, item.pickup_leader_id or "") if item.pickup_round_id else None,
    )


# ---------------------------------------------------------------- reads
def get_payment(payment_id: str) -> Payment | None:
    try:
        return to_payment(PaymentItem.get(keys.payment_pk(payment_id), keys.PAYMENT_SK, consistent_read=True))
    except DoesNotExist:
        return None


def get_order_item(order_id: str) -> ShopOrderItem | None:
    try:
        item = TableItem.get(keys.order_pk(order_id), keys.ORDER_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return item if isinstance(item, ShopOrderItem) else None


def orders_of(payment: Payment) -> list[ShopOrder]:
    """A payment's orders, in its order: one BatchGetItem."""
    found = {item.order_id: to_order(item) for item in batch_get((keys.order_pk(o), keys.ORDER_SK)
                                                                 for o in payment.order_ids)
             if isinstance(item, ShopOrderItem)}
    return [found[o] for o in payment.order_ids if o in found]


# ---------------------------------------------------------------- placing
def add_place(tx: Transaction, payment: Payment, orders: list[tuple[ShopOrder, ShippingAddress | None]],
              pickup: PickupOffer | None = None) -> None:
    """The payment, its orders and the stock they hold (label ``stock:<i>`` per held SKU,
    refused as LineOutOfStock naming the line). The caller adds coupons, points, cart
    lines, the round's claims (an order for pickup) and the idempotency claim to the same transaction."""
    for i, held in enumerate(payment.stock):
        add_hold(tx, StockKey.of_sku(held.product_id, held.sku_id), held.quantity, f"stock:{i}")
        tx.refuse(f"stock:{i}", LineOutOfStock("not enough left any more", f"lines.{i}"))
    tx.put("payment", payment_item(payment), TableItem.PK.does_not_exist())
    for n, (order, address) in enumerate(orders):
        tx.put(f"order:{n}", order_item(order, address, pickup), TableItem.PK.does_not_exist())


# ---------------------------------------------------------------- paying and cancelling
def _settle(payment: Payment, to: PaymentState, orders_to: OrderState, stock: Callable, now: datetime,
            payment_actions: list, order_actions: tuple = ()) -> bool:
    """Move an AWAITING payment and its AWAITING_PAYMENT orders on, and their held stock, in
    ONE transaction; False when the payment had left AWAITING already (paid, or cancelled:
    by the buyer, the timer or a racing notification)."""
    tx = Transaction()
    tx.update("payment", PaymentItem(keys.payment_pk(payment.id), keys.PAYMENT_SK),
              [PaymentItem.state.set(to.value), *payment_actions], PaymentItem.state == PaymentState.AWAITING.value)
    stamp = iso(now)
    stamp_field = ShopOrderItem.paid_at if orders_to is OrderState.TO_SHIP else ShopOrderItem.cancelled_at
    for n, order_id in enumerate(payment.order_ids):
        tx.update(f"order:{n}", ShopOrderItem(keys.order_pk(order_id), keys.ORDER_SK),
                  [ShopOrderItem.state.set(orders_to.value), stamp_field.set(stamp), *order_actions],
                  ShopOrderItem.state == OrderState.AWAITING_PAYMENT.value)
    for i, held in enumerate(payment.stock):
        stock(tx, StockKey.of_sku(held.product_id, held.sku_id), held.quantity, f"stock:{i}")
    if payment.pickup is not None:
        units = [(held.product_id, held.sku_id, held.quantity) for held in payment.stock]
        if orders_to is OrderState.TO_SHIP:  # one order: a round sells one merchant's SKUs
            add_paid(tx, payment.pickup.round_id, payment.pickup.leader_id, payment.order_ids[0], payment.user_id,
                     units, now)
        else:
            add_release(tx, payment.pickup.round_id, payment.user_id, units)
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "payment" in error.failed:
            return False
        raise
    return True


def mark_paid(payment: Payment, transaction_id: str | None, captured: int, payer_id: str | None,
              paid_at: datetime, now: datetime, trade_no: str | None = None) -> bool:
    actions = [PaymentItem.captured.set(captured), PaymentItem.paid_at.set(iso(paid_at)),
               PaymentItem.trade_no.set(trade_no or payment.id)]
    if transaction_id:
        actions.append(PaymentItem.transaction_id.set(transaction_id))
    if payer_id:
        actions.append(PaymentItem.payer_id.set(payer_id))
    # Each order keeps where its money was captured: an after-sales refund of it needs no payment read.
    captured_under = (ShopOrderItem.trade_no.set(trade_no or payment.id), ShopOrderItem.payment_captured.set(captured))
    return _settle(payment, PaymentState.PAID, OrderState.TO_SHIP, add_sell_hold, now, actions, captured_under)


def mark_cancelled(payment: Payment, now: datetime) -> bool:
    return _settle(payment, PaymentState.CANCELLED, OrderState.CANCELLED, add_release_hold, now,
                   [PaymentItem.cancelled_at.set(iso(now))])


def record_late_capture(payment: Payment, transaction_id: str | None, captured: int, now: datetime,
                        trade_no: str | None = None) -> bool:
    """A capture for a cancelled payment: kept on it, which turns REFUNDING (the stream starts
    the refund). Once: False if a capture was recorded before."""
    tx = Transaction()
    actions = [PaymentItem.state.set(PaymentState.REFUNDING.value), PaymentItem.captured.set(captured),
               PaymentItem.paid_at.set(iso(now)), PaymentItem.trade_no.set(trade_no or payment.id)]
    if transaction_id:
        actions.append(PaymentItem.transaction_id.set(transaction_id))
    tx.update("payment", PaymentItem(keys.payment_pk(payment.id), keys.PAYMENT_SK), actions,
              (PaymentItem.state == PaymentState.CANCELLED.value) & (PaymentItem.captured == 0))
    try:
        tx.commit()
    except TransactionCancelled:
        return False
    return True


def record_extra_capture(payment: Payment, trade_no: str, payer_id: str | None, transaction_id: str | None,
                         captured: int, now: datetime) -> bool:
    """A second payer's capture of a payment captured under another trade number: never kept.
    Its own refund-only payment (``E`` + the trade number, REFUNDING, no orders) is put once,
    and the stream starts the refund workflow for it. False if it was recorded before."""
    extra = PaymentItem(
        keys.payment_pk(keys.EXTRA_CAPTURE_PREFIX + trade_no), keys.PAYMENT_SK,
        payment_id=keys.EXTRA_CAPTURE_PREFIX + trade_no, user_id=payer_id or payment.user_id, order_ids=[],
        amount=captured, currency=payment.currency, state=PaymentState.REFUNDING.value, created_at=iso(now),
        pay_by=iso(payment.pay_by), paid_at=iso(now), captured=captured, trade_no=trade_no,
        transaction_id=transaction_id, payer_id=payer_id)
    return put_if(extra, TableItem.PK.does_not_exist())


# ---------------------------------------------------------------- pay for me: trade numbers and share codes
MAX_OTHER_PAYERS = 5  # family members who may each open a prepay for one payment (pay for me)


def add_trade_payer(payment: Payment, trade_no: str, payer_id: str) -> bool:
    """Give a payer their trade number, while the payment awaits. False if the payment left
    AWAITING, or the trade number (or, for the first payer, the map) appeared meanwhile."""
    awaiting = PaymentItem.state == PaymentState.AWAITING.value
    if payment.trade_payers:
        action = PaymentItem.trade_payers[trade_no].set(payer_id)
        # The cap holds under concurrency: the map's size is checked by the write itself.
        condition = awaiting & PaymentItem.trade_payers[trade_no].does_not_exist() & (
            size(PaymentItem.trade_payers) < MAX_OTHER_PAYERS)
    else:  # the map is absent until the first other payer: written whole, once
        action = PaymentItem.trade_payers.set({trade_no: payer_id})
        condition = awaiting & PaymentItem.trade_payers.does_not_exist()
    return update_if(_payment_ref(payment), [action], condition)


def add_share(payment: Payment, share_code: str, expires_at: datetime, now: datetime) -> bool:
    """The payment's share code and its lookup item, in ONE transaction; False if the payment
    was shared before (or left AWAITING)."""
    tx = Transaction()
    tx.update("payment", _payment_ref(payment), [PaymentItem.share_code.set(share_code)],
              (PaymentItem.state == PaymentState.AWAITING.value) & PaymentItem.share_code.does_not_exist())
    tx.put("share", PaymentShareItem(keys.payment_share_pk(share_code), keys.SHARE_SK, payment_id=payment.id,
                                     created_at=iso(now), ttl=int(expires_at.timestamp())),
           TableItem.PK.does_not_exist())
    try:
        tx.commit()
    except TransactionCancelled:
        return False
    return True


def shared_payment_id(share_code: str, now: datetime) -> str | None:
    """The payment a share code names; None if unknown or expired (TTL deletes lazily)."""
    try:
        item = PaymentShareItem.get(keys.payment_share_pk(share_code), keys.SHARE_SK)
    except DoesNotExist:
        return None
    return item.payment_id if now.timestamp() < int(item.ttl) else None


# ---------------------------------------------------------------- refunding a late capture
def _payment_ref(payment: Payment) -> PaymentItem:
    return PaymentItem(keys.payment_pk(payment.id), keys.PAYMENT_SK)


def complete_refund(payment: Payment) -> bool:
    """The provider refunded the capture: recorded once, never more than was captured."""
    return update_if(_payment_ref(payment), [
        PaymentItem.state.set(PaymentState.REFUNDED.value), PaymentItem.refunded.set(payment.captured),
        PaymentItem.refund_error.remove(),
    ], (PaymentItem.state == PaymentState.REFUNDING.value) & (PaymentItem.refunded == 0))


def fail_refund(payment: Payment, reason: str) -> bool:
    """The refund could not be made: listed for operators (GSI2) until one retries it."""
    return update_if(_payment_ref(payment), [
        PaymentItem.state.set(PaymentState.REFUND_FAILED.value), PaymentItem.refund_error.set(reason[:200]),
        PaymentItem.GSI2PK.set(keys.REFUND_FAILED_PAYMENTS), PaymentItem.GSI2SK.set(payment.id),
    ], PaymentItem.state == PaymentState.REFUNDING.value)


def retry_refund(payment: Payment) -> bool:
    """Back to REFUNDING under the next attempt (the stream starts a new execution)."""
    return update_if(_payment_ref(payment), [
        PaymentItem.state.set(PaymentState.REFUNDING.value), PaymentItem.refund_attempt.add(1),
        PaymentItem.GSI2PK.remove(), PaymentItem.GSI2SK.remove(),
    ], PaymentItem.state == PaymentState.REFUND_FAILED.value)


def refund_failed_payments(limit: int | PageRequest, after: str | None = None) -> Page[Payment]:
    """Newest first; a position is a payment id."""
    return query_page(TableItem.gsi2, keys.REFUND_FAILED_PAYMENTS, limit, after).map(to_payment)
