"""What sharing sold (issue 14): a merchant's sales by source (``me.salesBySource``) and what a post drove
(``Post.attributedSales``), each one Query, shown to the merchant / the post's author only."""
from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.attribution import store
from chalicelib.attribution.models import SourceSalesItem
from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.graphql.extend import extends
from chalicelib.core.graphql.money import Money
from chalicelib.core.principal import Role
from chalicelib.feeds.published.graphql import Post


class _SalesSource(Enum):
    POST = "POST"
    TEAM = "TEAM"
    ASSIST = "ASSIST"
    REFERRAL = "REFERRAL"
    DISTRIBUTOR = "DISTRIBUTOR"
    LEADER = "LEADER"
    NONE = "NONE"


SalesSource = described_enum(_SalesSource, name="SalesSource", description="An order source kind, or NONE.", values={
    "POST": "Orders a post (种草) led to.", "TEAM": "Orders from a group-buy team's share.",
    "ASSIST": "Orders from a friend-assist share (助力).", "REFERRAL": "Orders from an invitation (老带新).",
    "DISTRIBUTOR": "Orders from a distributor's link (分销).", "LEADER": "Orders from a community leader (团长).",
    "NONE": "Orders placed with no source."})


@strawberry.type(description="Paid orders from one source, and what they paid (counted when paid; refunds are "
                             "not taken back).")
class AttributedSales:
    source: SalesSource = strawberry.field(description="What led to them.")  # type: ignore[valid-type]
    orders: int = strawberry.field(description="How many orders were paid.")
    amount: Money = strawberry.field(description="What they paid (fen of the currency), shipping included.")


def _rows(items: list[SourceSalesItem]) -> list[AttributedSales]:
    known = {k.value for k in _SalesSource}
    return [AttributedSales(source=_SalesSource(i.kind), orders=int(i.orders),  # type: ignore[arg-type]
                            amount=Money(amount=int(i.amount), currency=i.currency))  # type: ignore[arg-type]
            for i in items if i.kind in known]


@user_fields
@strawberry.type
class AttributionUserFields:
    @strawberry.field(description="Merchants: your paid orders by what led to them (a source kind per currency, "
                                  "NONE for orders placed without one). One DynamoDB request. Null for anyone but a "
                                  "merchant reading their own.")
    def sales_by_source(self, info: Info) -> list[AttributedSales] | None:
        principal = info.context.principal
        if principal is None or principal.role is not Role.MERCHANT or principal.user_id != self.user_id:
            return None
        return _rows(store.merchant_sales(self.user_id))


@extends(Post)
@strawberry.type
class AttributionPostFields:
    @strawberry.field(description="Its author only: the paid orders this post led to (orders placed with source "
                                  "POST and this post's id), per currency; the author's own orders are not "
                                  "counted. One DynamoDB request. Null for anyone else.")
    def attributed_sales(self, info: Info) -> list[AttributedSales] | None:
        principal, post = info.context.principal, self.view.post
        if principal is None or principal.user_id != post.author_id:
            return None
        return _rows(store.post_sales(post.id))
