"""Address book mutations, mixed into Mutation. Each takes one ``input`` and answers a
payload with ``errors``; a refused input changes nothing. Resolvers only translate
between GraphQL and chalicelib.addresses.service."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.addresses import rules as domain
from chalicelib.addresses import service
from chalicelib.addresses.graphql.types import Address, addresses_of
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors
from chalicelib.core.graphql.ids import from_global_id

MOBILE_RULE = "Mainland China mobile: 11 digits starting 13-19; a leading +86, spaces and hyphens are accepted and " \
              "dropped (stored as the 11 digits)."
REGION_RULE = "GB/T 2260 six-digit code"


@strawberry.input(description="A new address. Text is trimmed; one line, no control characters.")
class AddAddressInput:
    recipient: str = strawberry.field(description=f"Who receives the parcel: 1 to {domain.MAX_RECIPIENT} characters.")
    mobile: str = strawberry.field(description=MOBILE_RULE)
    province_code: str = strawberry.field(description=f"{REGION_RULE} of one of the 34 provinces (`XX0000`).")
    city_code: str = strawberry.field(description=f"{REGION_RULE} of a city of that province (`XXXX00`, same first "
                                                  "two digits).")
    district_code: str = strawberry.field(description=f"{REGION_RULE} of a district of that city (same first four "
                                                      "digits); a city without districts (东莞, 中山, 儋州, 嘉峪关) "
                                                      "gives its own code.")
    detail: str = strawberry.field(description=f"Street, building and room: 1 to {domain.MAX_DETAIL} characters.")
    label: str | None = strawberry.field(default=None, description=f"Your label (家, 公司): at most "
                                                                   f"{domain.MAX_LABEL} characters.")
    is_default: bool = strawberry.field(default=False, description="Make it the default (the first address always "
                                                                   "is).")


@strawberry.input(description="Only the fields given change; the result is checked as a whole (a new city must "
                              "belong to the province).")
class UpdateAddressInput:
    id: strawberry.ID = strawberry.field(description="The `Address` id.")
    recipient: str | None = strawberry.field(default=None, description=f"1 to {domain.MAX_RECIPIENT} characters.")
    mobile: str | None = strawberry.field(default=None, description=MOBILE_RULE)
    province_code: str | None = strawberry.field(default=None, description=f"{REGION_RULE} (`XX0000`).")
    city_code: str | None = strawberry.field(default=None, description=f"{REGION_RULE} (`XXXX00`).")
    district_code: str | None = strawberry.field(default=None, description=REGION_RULE + ".")
    detail: str | None = strawberry.field(default=None, description=f"1 to {domain.MAX_DETAIL} characters.")
    label: str | None = strawberry.field(default=None, description="An empty string removes the label.")
    is_default: bool | None = strawberry.field(
        default=None, description="true makes it the default. false is refused for the default address: make "
                                  "another one the default instead.")


@strawberry.input(description="Which address.")
class AddressIdInput:
    id: strawberry.ID = strawberry.field(description="The `Address` id.")


@strawberry.type(description="The address added or changed.")
class AddressPayload:
    address: Address | None = strawberry.field(default=None, description="As stored; null if refused.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty if not.")


@strawberry.type(description="Your address book after the change.")
class AddressBookPayload:
    addresses: list[Address] | None = strawberry.field(
        default=None, description="The whole book, default first, then newest; null if refused.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty if not.")


def _address_id(global_id: strawberry.ID) -> str:
    (address_id,) = from_global_id(global_id, "Address", "id")
    return address_id


@strawberry.type
class AddressMutation:
    @strawberry.mutation(description=f"Add an address to your book (at most {domain.MAX_ADDRESSES}: beyond, "
                                     "LIMIT_REACHED).")
    @payload_errors(AddressPayload)
    def add_address(self, info: Ctx, input: Annotated[AddAddressInput, strawberry.argument(
            description="The new address.")]) -> AddressPayload | None:
        fields = domain.AddressFields(
            recipient=input.recipient, mobile=input.mobile, province_code=input.province_code,
            city_code=input.city_code, district_code=input.district_code, detail=input.detail, label=input.label)
        added = service.add_address(info.context.principal, fields, input.is_default, utc_now())
        return AddressPayload(address=Address(address=added))

    @strawberry.mutation(description="Change an address of your book. Orders keep the address they were placed "
                                     "with.")
    @payload_errors(AddressPayload)
    def update_address(self, info: Ctx, input: Annotated[UpdateAddressInput, strawberry.argument(
            description="The address and the fields to change.")]) -> AddressPayload | None:
        changes = domain.AddressChanges(
            recipient=input.recipient, mobile=input.mobile, province_code=input.province_code,
            city_code=input.city_code, district_code=input.district_code, detail=input.detail, label=input.label)
        updated = service.update_address(info.context.principal, _address_id(input.id), changes, input.is_default,
                                         utc_now())
        return AddressPayload(address=Address(address=updated))

    @strawberry.mutation(description="Remove an address. If it was the default, the most recently added remaining "
                                     "one becomes the default.")
    @payload_errors(AddressBookPayload)
    def remove_address(self, info: Ctx, input: Annotated[AddressIdInput, strawberry.argument(
            description="The address to remove.")]) -> AddressBookPayload | None:
        remaining = service.remove_address(info.context.principal, _address_id(input.id))
        return AddressBookPayload(addresses=addresses_of(remaining))

    @strawberry.mutation(description="Make an address the default; the previous default stops being it in the same "
                                     "write.")
    @payload_errors(AddressBookPayload)
    def set_default_address(self, info: Ctx, input: Annotated[AddressIdInput, strawberry.argument(
            description="The address to make the default.")]) -> AddressBookPayload | None:
        book = service.set_default_address(info.context.principal, _address_id(input.id))
        return AddressBookPayload(addresses=addresses_of(book))
