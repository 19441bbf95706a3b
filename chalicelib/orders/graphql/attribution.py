"""What led to an order (issue 14), in GraphQL: the ``source`` input placeOrder, openTeam and joinTeam
take, and ``Order.attribution`` (its buyer, its merchant and operators only)."""
from __future__ import annotations

import strawberry

from chalicelib.core.graphql.enums import described_enum
from chalicelib.core.principal import Principal, Role
from chalicelib.orders.attribution import MAX_REF_LENGTH, Attribution, SourceKind, attribution_of
from chalicelib.orders.rules import OrderView

OrderSourceKind = described_enum(
    SourceKind, name="OrderSourceKind",
    description="What led to an order: the share card or page the buyer came from.",
    values={
        "POST": "A post (种草): `ref` is the post's id.",
        "TEAM": "A group-buy team's share: `ref` is the team's share code.",
        "ASSIST": "A friend-assist share (助力): `ref` is the assist's id.",
        "REFERRAL": "An invitation (老带新): `ref` is the inviter's user id.",
        "DISTRIBUTOR": "A distributor's link (分销): `ref` is the link's share code.",
        "LEADER": "A community leader (团长): `ref` is the leader's id.",
    })


@strawberry.input(description="Where the buyer came from (the share card's or page's source), recorded on the "
                               "order as given. Its shape is checked (`INVALID` naming `source.ref`); the ref is "
                               "not looked up: an unknown or stale one never fails the order.")
class OrderSourceInput:
    kind: OrderSourceKind = strawberry.field(description="The kind of share.")  # type: ignore[valid-type]
    ref: str = strawberry.field(description=f"1 to {MAX_REF_LENGTH} letters, digits, - or _: the id or share code "
                                            "the share card carries (see the kind).")


@strawberry.type(description="What led to an order, as the client gave it when the order was placed.")
class OrderAttribution:
    kind: OrderSourceKind = strawberry.field(description="The kind of share.")  # type: ignore[valid-type]
    ref: str = strawberry.field(description="The id or share code, exactly as given.")


def source_of(source: OrderSourceInput | None, field: str = "source") -> Attribution | None:
    """The checked source, or None; ValidationFailed (INVALID) naming ``source.ref`` before anything is read."""
    if source is None:
        return None
    return attribution_of(SourceKind(source.kind.value), source.ref, field)


def may_see_attribution(principal: Principal | None, view: OrderView) -> bool:
    """The buyer, the order's merchant and operators; nobody else."""
    if principal is None:
        return False
    return (principal.user_id == view.user_id or principal.role is Role.OPERATOR
            or (principal.role is Role.MERCHANT and principal.user_id == view.merchant_id))


def attribution_field(principal: Principal | None, view: OrderView) -> OrderAttribution | None:
    attribution = view.attribution
    if not isinstance(attribution, Attribution) or not may_see_attribution(principal, view):
        return None
    return OrderAttribution(kind=attribution.kind, ref=attribution.ref)  # type: ignore[arg-type]
