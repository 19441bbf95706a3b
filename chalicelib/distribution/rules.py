"""Distribution rules, pure: how one becomes a distributor, the rates, who earns on an order.

Decided:
- Joining: by default a customer opts in (``OPT_IN``: active at once); operators may switch the platform to
  ``APPROVAL`` (a customer applies, an operator approves). Stored as one small rule item.
- A product's rate is basis points of what each line of that product paid, 0 to 3000 (30 %); 0 or never set: not
  distributable. Merchants set it on their own products, operators on any.
- The upstream (the distributor who recruited this one, named once, never oneself, never one's own recruit) earns
  a fixed share of the distributor's rate: 20 % of it (a 1500 bp rate → 300 bp), on top of it. One level only:
  the upstream's upstream earns nothing (deeper chains are pyramid selling under Chinese law).
- Nobody earns on their own purchase: the buyer through their own link earns nothing, nor does their upstream on
  it; an upstream buying through a recruit's link earns no upstream share (the recruit still earns). A distributor
  not active (applied, not approved) earns nothing, and neither does an inactive upstream.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from chalicelib.core.errors import ValidationFailed

BASIS_POINTS = 10_000
MAX_RATE_BP = 3_000  # 30 %
UPSTREAM_SHARE_BP = 2_000  # the upstream's rate is 20 % of the distributor's


class JoinMode(Enum):
    OPT_IN = "OPT_IN"  # a customer becomes a distributor at once
    APPROVAL = "APPROVAL"  # a customer applies; an operator approves


DEFAULT_MODE = JoinMode.OPT_IN


class DistributorState(Enum):
    APPLIED = "APPLIED"  # waiting for an operator (APPROVAL mode)
    ACTIVE = "ACTIVE"  # shares links and earns


@dataclass(frozen=True, slots=True)
class Distributor:
    user_id: str
    state: DistributorState
    joined_at: str
    upstream_id: str | None = None

    @property
    def active(self) -> bool:
        return self.state is DistributorState.ACTIVE


def checked_rate(rate_bp: object) -> int:
    if not isinstance(rate_bp, int) or isinstance(rate_bp, bool) or not 0 <= rate_bp <= MAX_RATE_BP:
        raise ValidationFailed(f"basis points from 0 to {MAX_RATE_BP}", "rateBp")
    return rate_bp


def upstream_rate(rate_bp: int) -> int:
    """The upstream's rate: 20 % of the distributor's, rounded down."""
    return rate_bp * UPSTREAM_SHARE_BP // BASIS_POINTS


def join_state(mode: JoinMode) -> DistributorState:
    return DistributorState.ACTIVE if mode is JoinMode.OPT_IN else DistributorState.APPLIED


def upstream_refusal(user_id: str, upstream: Distributor | None) -> str | None:
    """Why ``upstream`` cannot be the user's upstream (None: it can)."""
    if upstream is None:
        return "no distributor has that code"
    if upstream.user_id == user_id:
        return "you cannot be your own upstream"
    if upstream.upstream_id == user_id:
        return "your own recruit cannot be your upstream"
    return None


def earners(buyer_id: str, distributor: Distributor | None, upstream: Distributor | None,
            rate_bp: int) -> list[tuple[str, bool, int]]:
    """Who earns on an order through ``distributor``'s link: (user id, is the upstream, rate). At most two: the
    distributor and its own upstream, never further up."""
    if distributor is None or not distributor.active or rate_bp <= 0 or buyer_id == distributor.user_id:
        return []
    found = [(distributor.user_id, False, rate_bp)]
    share = upstream_rate(rate_bp)
    if (upstream is not None and upstream.active and upstream.user_id == distributor.upstream_id
            and upstream.user_id != buyer_id and share > 0):
        found.append((upstream.user_id, True, share))
    return found
