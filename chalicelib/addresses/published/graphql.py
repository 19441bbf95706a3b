"""The GraphQL shape of the address an order keeps (checkout's preview and every order's
``shippingAddress``). Personal data: only resolvers that checked who asks return it."""
from __future__ import annotations

import strawberry

from chalicelib.addresses.published.checkout import ShippingAddress as AddressSnapshot
from chalicelib.core.graphql.ids import to_global_id

__all__ = ["ShippingAddress"]


@strawberry.type(description="Where an order ships: a copy of the address-book entry taken at checkout (editing "
                             "the book later does not change it). Shown to the buyer, the order's merchant and "
                             "operators, nobody else.")
class ShippingAddress:
    snapshot: strawberry.Private[AddressSnapshot]

    @strawberry.field(description="The `Address` (address book entry) it was copied from.")
    def address_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Address", self.snapshot.address_id))

    @strawberry.field(description="Who receives it.")
    def recipient(self) -> str:
        return self.snapshot.recipient

    @strawberry.field(description="The recipient's mobile number.")
    def mobile(self) -> str:
        return self.snapshot.mobile

    @strawberry.field(description="GB/T 2260 code of the province.")
    def province_code(self) -> str:
        return self.snapshot.province_code

    @strawberry.field(description="GB/T 2260 code of the city.")
    def city_code(self) -> str:
        return self.snapshot.city_code

    @strawberry.field(description="GB/T 2260 code of the district.")
    def district_code(self) -> str:
        return self.snapshot.district_code

    @strawberry.field(description="Street, building, room.")
    def detail(self) -> str:
        return self.snapshot.detail
