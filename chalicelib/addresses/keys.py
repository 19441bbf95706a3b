"""Address book keys: the whole book in its owner's partition, so one Query reads it."""
from __future__ import annotations

BOOK_SK = "BOOK"  # the header: how many addresses, which one is the default
ADDRESS_PREFIX = "ADDRESS#"


def addresses_pk(user_id: str) -> str:
    """A user's address book: the header and up to 20 addresses."""
    return f"ADDRESSES#{user_id}"


def address_sk(address_id: str) -> str:
    return f"{ADDRESS_PREFIX}{address_id}"
