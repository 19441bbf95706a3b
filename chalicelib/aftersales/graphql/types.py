"""``AfterSalesRequest`` (a Node: its customer, the order's merchant and operators see it) and its enums."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.aftersales import rules
from chalicelib.aftersales import service as aftersales
from chalicelib.catalog.published.graphql import Sku, sku_of
from chalicelib.core.graphql.connection import connection
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.pagination import PageInfo
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.core.principal import Role
from chalicelib.core.table.paging import Page
from chalicelib.orders.published.graphql import Order

AfterSalesKind = described_enum(rules.RequestKind, name="AfterSalesKind", values={
    "REFUND_ONLY": "仅退款: the order has not shipped, or it shipped and did not arrive.",
    "RETURN_AND_REFUND": "退货退款: send the goods back (after the merchant approves), then the refund.",
    "COMPENSATION": "An operator's refund after a fault, with a coupon (compensateOrder); not asked by customers.",
})
AfterSalesReason = described_enum(rules.Reason, name="AfterSalesReason", values={
    "NO_REASON": "七天无理由: no reason needed within 7 days of delivery (or before it arrives).",
    "NOT_RECEIVED": "It did not arrive.",
    "QUALITY": "A quality problem (accepted after the 7 days, within the after-sales window).",
    "DAMAGED": "Arrived damaged (a quality reason).",
    "WRONG_ITEM": "Not what was ordered (a quality reason).",
    "NOT_AS_DESCRIBED": "Not as described (a quality reason).",
    "PLATFORM_FAULT": "Compensation for the platform's fault (operators only).",
    "NOT_COLLECTED": "An order for pickup not collected at the point in time, refunded by its round's rule (the "
                     "system only).",
    "ROUND_CANCELLED": "An order for pickup whose sale round was cancelled, refunded in full (the system only).",
})
AfterSalesState = described_enum(
    rules.RequestState, name="AfterSalesState",
    description="AWAITING_DECISION → (return: AWAITING_RETURN → RETURNING →) REFUNDING → REFUNDED; "
                "AWAITING_DECISION → REJECTED → DISPUTED → REFUNDING or CLOSED; WITHDRAWN by the customer.",
    values={
        "AWAITING_DECISION": "The merchant approves or rejects by `decideBy`; if not, it is approved automatically.",
        "AWAITING_RETURN": "Approved: send the goods back by `sendBy` (sendBackAfterSales), or the request closes.",
        "RETURNING": "On its way back: the merchant confirms receipt by `receiveBy`, or it is confirmed "
                     "automatically; then the refund runs.",
        "REFUNDING": "The refund is under way.",
        "REFUNDED": "The money is back (see `amount`); points and coupons followed.",
        "REFUND_FAILED": "The payment service kept refusing the refund: operators retry it.",
        "REJECTED": "The merchant rejected it (see `decisionReason`): escalate it to the platform, or withdraw it.",
        "DISPUTED": "Escalated: an operator decides (within 24 h).",
        "CLOSED": "Ended without a refund (the rejection was upheld, or nothing was sent back in time).",
        "WITHDRAWN": "Withdrawn by the customer.",
    })
AfterSalesActor = described_enum(rules.Actor, name="AfterSalesActor", values={
    "CUSTOMER": "The customer who asked.", "MERCHANT": "The order's merchant.", "OPERATOR": "A platform operator.",
    "SYSTEM": "A deadline passed, or the refund workflow.",
})

STATE_TEXT = {
    rules.RequestState.AWAITING_DECISION: "Waiting for the merchant (待商家处理)",
    rules.RequestState.AWAITING_RETURN: "Approved: please send it back (待退货)",
    rules.RequestState.RETURNING: "Returning (退货中)",
    rules.RequestState.REFUNDING: "Refunding (退款中)",
    rules.RequestState.REFUNDED: "Refunded (退款成功)",
    rules.RequestState.REFUND_FAILED: "Refund delayed, we are on it (退款处理中)",
    rules.RequestState.REJECTED: "Rejected by the merchant (商家已拒绝)",
    rules.RequestState.DISPUTED: "The platform is deciding (平台介入中)",
    rules.RequestState.CLOSED: "Closed (已关闭)",
    rules.RequestState.WITHDRAWN: "Withdrawn (已撤销)",
}


def _money(amount: int, currency: str) -> Money:
    return Money(amount=amount, currency=currency)  # type: ignore[arg-type]


@strawberry.type(description="Units of one order line in a request, and what they refund.")
class AfterSalesLine:
    line: strawberry.Private[rules.RequestLine]
    currency: strawberry.Private[str]

    @strawberry.field(description="The `Sku` id of the order line.")
    def sku_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Sku", self.line.product_id, self.line.sku_id))

    @strawberry.field(description="The SKU as it is now; null if its product is gone.")
    async def sku(self, info: Ctx) -> Sku | None:
        return await sku_of(info, self.line.product_id, self.line.sku_id)

    @strawberry.field
    def quantity(self) -> int:
        return self.line.quantity

    @strawberry.field(description="What these units paid after every discount and points: what they refund.")
    def amount(self) -> Money:
        return _money(self.line.amount, self.currency)

    @strawberry.field(description="Points these units spent at checkout: they come back with the refund.")
    def points(self) -> int:
        return self.line.points


@strawberry.type(description="One step of a request's history (the audit trail).")
class AfterSalesStep:
    action: str = strawberry.field(description="CREATED, APPROVED, REJECTED, SENT_BACK, RECEIVED, ESCALATED, "
                                               "DISPUTE_REFUNDED, DISPUTE_UPHELD, REFUNDED, REFUND_FAILED, "
                                               "REFUND_RETRIED, NOT_SENT_BACK, WITHDRAWN.")
    actor: AfterSalesActor  # type: ignore[valid-type]
    to_state: AfterSalesState  # type: ignore[valid-type]
    reason: str | None
    at: datetime


@strawberry.type(description="An after-sales request (售后): a refund, or a return and refund, of units of an "
                             "order's lines. Its customer, the order's merchant and operators see it.")
class AfterSalesRequest(Node):
    request: strawberry.Private[rules.AfterSalesRequest]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AfterSalesRequest", self.request.id))

    @strawberry.field
    def kind(self) -> AfterSalesKind:  # type: ignore[valid-type]
        return self.request.kind

    @strawberry.field
    def reason(self) -> AfterSalesReason:  # type: ignore[valid-type]
        return self.request.reason

    @strawberry.field
    def state(self) -> AfterSalesState:  # type: ignore[valid-type]
        return self.request.state

    @strawberry.field(description="What the state means, in English and Chinese.")
    def status_text(self) -> str:
        return STATE_TEXT[self.request.state]

    @strawberry.field(description="The `Order` id it is about.")
    def order_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Order", self.request.order_id))

    @strawberry.field(description="The order, for whoever may see this request (its customer, the order's "
                                  "merchant, operators); batched for a page of requests.")
    async def order(self, info: Ctx) -> Order | None:
        principal = info.context.principal
        if principal is None or not aftersales.may_see(principal, self.request):
            return None
        view = await info.context.loaders.order.load(self.request.order_id)
        return None if view is None else Order(view=view)

    @strawberry.field
    def description(self) -> str:
        return self.request.description

    @strawberry.field(description="Evidence photos (https).")
    def photos(self) -> list[str]:
        return list(self.request.photos)

    @strawberry.field
    def lines(self) -> list[AfterSalesLine]:
        return [AfterSalesLine(line=line, currency=self.request.currency) for line in self.request.lines]

    @strawberry.field(description="The order's shipping fee, when this request refunds the whole order before it "
                                  "shipped (or is a compensation); else 0.")
    def shipping(self) -> Money:
        return _money(self.request.shipping, self.request.currency)

    @strawberry.field(description="What this request refunds: its lines and any shipping.")
    def amount(self) -> Money:
        return _money(self.request.amount, self.request.currency)

    @strawberry.field(description="Points given back with the refund (those the units spent at checkout).")
    def points(self) -> int:
        return self.request.points

    @strawberry.field
    def created_at(self) -> datetime:
        return self.request.created_at

    @strawberry.field(description="The merchant decides by then, or the request is approved automatically.")
    def decide_by(self) -> datetime | None:
        return self.request.decide_by

    @strawberry.field(description="An approved return is sent back by then, or the request closes.")
    def send_by(self) -> datetime | None:
        return self.request.send_by

    @strawberry.field(description="The merchant confirms the returned parcel by then, or it is confirmed.")
    def receive_by(self) -> datetime | None:
        return self.request.receive_by

    @strawberry.field(description="The return parcel's carrier code.")
    def return_carrier(self) -> str | None:
        return self.request.return_carrier

    @strawberry.field(description="The return parcel's tracking number.")
    def return_tracking_no(self) -> str | None:
        return self.request.return_tracking_no

    @strawberry.field(description="Why the merchant rejected it, or why an operator decided as they did.")
    def decision_reason(self) -> str | None:
        return self.request.decision_reason

    @strawberry.field(description="True when an operator refunded a dispute and the platform paid first (先行赔付).")
    def platform_pays(self) -> bool:
        return self.request.platform_pays

    @strawberry.field
    def refunded_at(self) -> datetime | None:
        return self.request.refunded_at

    @strawberry.field(description="The coupon granted with a compensation (its id), else null.")
    def coupon_id(self) -> strawberry.ID | None:
        return None if self.request.coupon_id is None else strawberry.ID(to_global_id("Coupon", self.request.coupon_id))

    @strawberry.field(description="Why the last refund attempt failed; operators only.")
    def refund_error(self, info: Ctx) -> str | None:
        principal = info.context.principal
        return self.request.refund_error if principal is not None and principal.role is Role.OPERATOR else None

    @strawberry.field(description="Every step so far, oldest first: who did what, and why (read with the request).")
    def history(self) -> list[AfterSalesStep]:
        return [AfterSalesStep(action=s.action, actor=s.actor, to_state=s.to_state, reason=s.reason, at=s.at)
                for s in self.request.history]


@node_resolver("AfterSalesRequest")
def _request_node(info: Ctx, parts: tuple[str, ...]) -> AfterSalesRequest | None:
    found = aftersales.own_request(info.context.principal, parts[0])
    return None if found is None else AfterSalesRequest(request=found)


@strawberry.type
class AfterSalesRequestEdge:
    node: AfterSalesRequest
    cursor: str


@strawberry.type
class AfterSalesRequestConnection:
    edges: list[AfterSalesRequestEdge]
    page_info: PageInfo


def request_connection(scope: str, page: Page[rules.AfterSalesRequest]) -> AfterSalesRequestConnection:
    return connection(AfterSalesRequestConnection, AfterSalesRequestEdge, scope, page,
                      lambda r: AfterSalesRequest(request=r))
