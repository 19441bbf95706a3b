"""The address book's field on User: your addresses."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.accounts.published.graphql import user_fields
from chalicelib.addresses.graphql.types import Address, user_addresses
from chalicelib.addresses.rules import MAX_ADDRESSES


@user_fields
@strawberry.type
class AddressUserFields:
    @strawberry.field(description=f"Your address book: the default first, then the newest. A plain list, not a "
                                  f"connection: a book holds at most {MAX_ADDRESSES} addresses. One DynamoDB request.")
    def addresses(self, info: Info) -> list[Address] | None:
        return user_addresses(info, self.user_id)
