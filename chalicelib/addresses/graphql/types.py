"""The Address type, ``me.addresses`` and ``node(id:)`` for addresses.

Personal data: an address answers only to its owner (``node(id:)`` reads the caller's
own partition, so another user's id is null, as if it did not exist). Resolvers only
translate between GraphQL and chalicelib.addresses.service.
"""
from __future__ import annotations

from datetime import datetime

import strawberry

from chalicelib.addresses import rules as domain
from chalicelib.addresses import service
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import to_global_id
from chalicelib.core.graphql.relay import Node, node_resolver


@strawberry.type(description="An address in your address book (收货地址). Personal data: only you can see it; an "
                             "order keeps its own copy, which is what the order's merchant sees.")
class Address(Node):
    address: strawberry.Private[domain.Address]

    @strawberry.field(description="Global id (`Address:<id>`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Address", self.address.id))

    @strawberry.field(description="Who receives the parcel (收货人).")
    def recipient(self) -> str:
        return self.address.fields.recipient

    @strawberry.field(description="The recipient's mainland China mobile number, 11 digits, in full (it is your "
                                  "data). Show `maskedMobile` on screens others may see.")
    def mobile(self) -> str:
        return self.address.fields.mobile

    @strawberry.field(description="The mobile number with its middle four digits hidden: `138****1234`.")
    def masked_mobile(self) -> str:
        return domain.masked_mobile(self.address.fields.mobile)

    @strawberry.field(description="GB/T 2260 province code (`XX0000`), e.g. `440000` 广东省.")
    def province_code(self) -> str:
        return self.address.fields.province_code

    @strawberry.field(description="GB/T 2260 city code (`XXXX00`), e.g. `440300` 深圳市.")
    def city_code(self) -> str:
        return self.address.fields.city_code

    @strawberry.field(description="GB/T 2260 district code, e.g. `440305` 南山区 (a city without districts, such as "
                                  "东莞 `441900`, gives its own code).")
    def district_code(self) -> str:
        return self.address.fields.district_code

    @strawberry.field(description="Street, building and room (详细地址).")
    def detail(self) -> str:
        return self.address.fields.detail

    @strawberry.field(description="Your label for it (家, 公司); null without one.")
    def label(self) -> str | None:
        return self.address.fields.label

    @strawberry.field(description="The default address, preselected at checkout. A non-empty book has exactly one.")
    def is_default(self) -> bool:
        return self.address.is_default

    @strawberry.field(description="When it was added.")
    def created_at(self) -> datetime:
        return self.address.created_at

    @strawberry.field(description="When it last changed.")
    def updated_at(self) -> datetime:
        return self.address.updated_at


def addresses_of(addresses: list[domain.Address]) -> list[Address]:
    return [Address(address=a) for a in addresses]


def user_addresses(info: Ctx, user_id: str) -> list[Address]:
    """``User.addresses``: the caller's own book, default first, then newest."""
    return addresses_of(service.my_book(info.context.principal, user_id))


@node_resolver("Address")
def _address_node(info: Ctx, parts: tuple[str, ...]) -> Address | None:
    """Yours only: null for anyone else's, as for one that does not exist."""
    found = service.my_address(info.context.principal, parts[0])
    return Address(address=found) if found else None
