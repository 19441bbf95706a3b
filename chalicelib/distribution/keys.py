"""Distribution keys: the platform's join rule; a distributor (``DISTRIBUTOR#<user>``: SK ``DISTRIBUTOR``) and,
in the same partition, their links' dashboard rows (SK ``LINK#<product>``: one Query reads a page of them); a
link's code (``DIST_LINK#<code>``: code → distributor and product) with its visit and order markers; a product's
rate (``DISTRIBUTABLE#<product>``)."""
from __future__ import annotations

RULE_PK, RULE_SK = "DISTRIBUTION_RULE", "RULE"
DISTRIBUTOR_SK = "DISTRIBUTOR"
LINK_PREFIX = "LINK#"
CODE_SK = "LINK"
RATE_SK = "RATE"
APPLICATIONS = "DISTRIBUTORS#APPLIED"  # GSI1: the operators' queue of applicants, oldest first, while APPLIED


def application_sort_key(joined_at: str, user_id: str) -> str:
    return f"{joined_at}#{user_id}"


def distributor_pk(user_id: str) -> str:
    return f"DISTRIBUTOR#{user_id}"


def link_sk(product_id: str) -> str:
    return f"{LINK_PREFIX}{product_id}"


def code_pk(code: str) -> str:
    return f"DIST_LINK#{code}"


def visit_sk(day: str, visitor_id: str) -> str:
    """One visit counted per visitor, link and China day."""
    return f"VISIT#{day}#{visitor_id}"


def order_sk(order_id: str) -> str:
    """An order counted on the link once."""
    return f"ORDER#{order_id}"


def rate_pk(product_id: str) -> str:
    return f"DISTRIBUTABLE#{product_id}"
