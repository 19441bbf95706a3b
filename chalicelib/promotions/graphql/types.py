"""Promotion (满减) types, the loader of merchants' running promotions and the node resolver.
Resolvers only translate between GraphQL and chalicelib.promotions.service."""
from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader

from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx, Loaders, loader
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.money import Money
from chalicelib.core.graphql.relay import Node, node_resolver
from chalicelib.promotions import rules as domain
from chalicelib.promotions import service

CURRENCY = "CNY"  # thresholds and amounts are fen of the shop's currency


@loader("merchant_promotions")
def _merchant_promotions_loader(loaders: Loaders) -> DataLoader[str, list[domain.Promotion]]:
    """Running promotions by merchant: a page of products reads all their merchants in one BatchGetItem."""
    async def load(merchant_ids: list[str]) -> list[list[domain.Promotion]]:
        found = service.active_by_merchant(merchant_ids, utc_now())
        return [found.get(m, []) for m in merchant_ids]

    return DataLoader(load_fn=load)


def _money(fen: int) -> Money:
    return Money(amount=fen, currency=CURRENCY)  # type: ignore[arg-type]


@strawberry.type(description="One tier: when the covered products reach `threshold`, `amountOff` comes off.")
class PromotionTier:
    tier: strawberry.Private[domain.Tier]

    @strawberry.field(description="What the covered products of one order must add up to.")
    def threshold(self) -> Money:
        return _money(self.tier.threshold)

    @strawberry.field(description="Taken off the order when the threshold is reached.")
    def amount_off(self) -> Money:
        return _money(self.tier.amount_off)

    @strawberry.field(description="The tier as a shop prints it: 满¥99减¥10.")
    def summary(self) -> str:
        return self.tier.summary


@strawberry.type(description="A merchant's automatic promotion (满减): applied at checkout before coupons. "
                             "An order from the merchant gets at most one promotion: the one taking the most off, "
                             "from its highest tier reached.")
class Promotion(Node):
    promotion: strawberry.Private[domain.Promotion]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Promotion", self.promotion.merchant_id, self.promotion.id))

    @strawberry.field(description="The merchant's `User` id.")
    def merchant_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("User", self.promotion.merchant_id))

    @strawberry.field(description="The merchant's name for it, e.g. 夏日满减.")
    def title(self) -> str:
        return self.promotion.title

    @strawberry.field(description="1 to 5 tiers, lowest threshold first; only the highest reached applies.")
    def tiers(self) -> list[PromotionTier]:
        return [PromotionTier(tier=t) for t in self.promotion.tiers]

    @strawberry.field(description="Every tier as a shop prints it: 满¥99减¥10，满¥199减¥30.")
    def summary(self) -> str:
        return self.promotion.summary

    @strawberry.field(description="True: it covers every product of the merchant (then `productIds` is empty).")
    def all_products(self) -> bool:
        return not self.promotion.product_ids

    @strawberry.field(description="The `Product` ids it covers; empty when it covers all the merchant's products.")
    def product_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(to_global_id("Product", p)) for p in sorted(self.promotion.product_ids)]

    @strawberry.field(description="It runs from this instant (included).")
    def starts_at(self) -> datetime:
        return self.promotion.starts_at

    @strawberry.field(description="It runs until this instant (excluded); ending it early sets it to then.")
    def ends_at(self) -> datetime:
        return self.promotion.ends_at

    @strawberry.field(description="Running now (false: upcoming or ended).")
    def active(self) -> bool:
        return domain.is_active(self.promotion, utc_now())


@node_resolver("Promotion", parts=2)
def _promotion_node(info: Ctx, parts: tuple[str, ...]) -> Promotion | None:
    """Running and upcoming promotions (public: they are shop badges); ended ones are gone."""
    found = service.current_promotion(parts[0], parts[1], utc_now())
    return Promotion(promotion=found) if found else None
