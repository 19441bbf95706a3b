"""What led to an order (issue 14): the ``source`` a client passes from the share card or page,
checked for its shape only and recorded as given when the order is placed. Pure.

Decisions: a ref is never looked up at placing (an unknown or stale one must not fail an order,
and placing reads nothing more for it); a well-shaped ref is recorded exactly as given. A buyer's
own share (their own post, their own user id as REFERRAL, their own distributor link) is recorded
as given too, unmarked: credit is refused where it is given (a post's counters skip its author's
own orders; distribution pays no commission on one's own purchases).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from chalicelib.core.errors import ValidationFailed

# An id, a share code or a Relay id as the client holds it: URL-safe base64 letters, at most 64.
MAX_REF_LENGTH = 64
_REF = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_REF_LENGTH}}}$")


class SourceKind(Enum):
    POST = "POST"  # 种草: the post's id
    TEAM = "TEAM"  # a group-buy team's share: the team's share code
    ASSIST = "ASSIST"  # 助力: the assist instance's id
    REFERRAL = "REFERRAL"  # 老带新: the inviter's user id
    DISTRIBUTOR = "DISTRIBUTOR"  # 分销: the link's share code as passed (distribution resolves it)
    LEADER = "LEADER"  # 社区团长: the leader's id


# The merchants' sales-by-source kind of an order that records no source.
NONE_KIND = "NONE"


@dataclass(frozen=True, slots=True)
class Attribution:
    kind: SourceKind
    ref: str


def attribution_of(kind: str | SourceKind, ref: str, field: str = "source") -> Attribution:
    """The source as given, or ValidationFailed naming ``<field>.kind`` / ``<field>.ref``."""
    try:
        source_kind = kind if isinstance(kind, SourceKind) else SourceKind(kind)
    except ValueError:
        raise ValidationFailed(f"not a source kind: one of {', '.join(k.value for k in SourceKind)}",
                               f"{field}.kind") from None
    if not isinstance(ref, str) or not _REF.match(ref):
        raise ValidationFailed(f"a source ref is 1 to {MAX_REF_LENGTH} letters, digits, - or _ (an id or a share "
                               "code as the share card carries it)", f"{field}.ref")
    return Attribution(source_kind, ref)


def stored(attribution: Attribution | None) -> dict | None:
    """What the order item keeps: ``{"kind", "ref"}``, or None."""
    return None if attribution is None else {"kind": attribution.kind.value, "ref": attribution.ref}


def loaded(value: object) -> Attribution | None:
    """An order item's stored attribution back (None when absent, or not one we could have written)."""
    if not value:
        return None
    get = value.get if isinstance(value, dict) else (lambda name: getattr(value, name, None))
    try:
        return attribution_of(str(get("kind")), str(get("ref")))
    except ValidationFailed:
        return None
