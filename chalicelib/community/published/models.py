"""The pickup snapshot an order for pickup keeps (as an address snapshot is kept for a shipped order): the round
and the leader's point as they were when it was placed. Public data only (never the leader's mobile)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pynamodb.attributes import MapAttribute, UnicodeAttribute

from chalicelib.community.ordering import PickupOffer, PickupPlace

__all__ = ["PickupMap", "PickupSnapshot", "pickup_map", "snapshot_of", "snapshot_of_offer"]


class PickupMap(MapAttribute):
    round_id = UnicodeAttribute()
    round_title = UnicodeAttribute()
    pickup_on = UnicodeAttribute()  # YYYY-MM-DD
    leader_id = UnicodeAttribute()
    leader_name = UnicodeAttribute()
    point_name = UnicodeAttribute()
    province_code = UnicodeAttribute()
    city_code = UnicodeAttribute()
    district_code = UnicodeAttribute()
    detail = UnicodeAttribute()
    opening_hours = UnicodeAttribute()
    # What happens if nobody collects it in time (rules_rounds.Uncollected): the delivery timer reads it.
    uncollected = UnicodeAttribute(default="KEEP")


@dataclass(frozen=True, slots=True)
class PickupSnapshot:
    """What an order for pickup shows of where and when it is collected."""

    round_id: str
    round_title: str
    pickup_on: date
    place: PickupPlace


def pickup_map(offer: PickupOffer) -> PickupMap:
    p = offer.place
    return PickupMap(round_id=offer.round_id, round_title=offer.round_title, pickup_on=offer.pickup_on.isoformat(),
                     leader_id=p.leader_id, leader_name=p.leader_name, point_name=p.point_name,
                     province_code=p.province_code, city_code=p.city_code, district_code=p.district_code,
                     detail=p.detail, opening_hours=p.opening_hours, uncollected=offer.uncollected.value)


def snapshot_of(stored: PickupMap) -> PickupSnapshot:
    return PickupSnapshot(stored.round_id, stored.round_title, date.fromisoformat(stored.pickup_on),
                          PickupPlace(stored.leader_id, stored.leader_name, stored.point_name, stored.province_code,
                                      stored.city_code, stored.district_code, stored.detail, stored.opening_hours))


def snapshot_of_offer(offer: PickupOffer) -> PickupSnapshot:
    """What an order placed from ``offer`` will keep (a checkout's preview shows it)."""
    return PickupSnapshot(offer.round_id, offer.round_title, offer.pickup_on, offer.place)
