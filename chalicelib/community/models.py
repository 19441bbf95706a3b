"""Community leader items: the leader (application, pickup point, audit trail), its code's lookup, a customer's
chosen leader."""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.table.models import TableItem


class LeaderStepMap(MapAttribute):
    """One transition of the leader: its audit trail, appended in the transition's own write."""

    action = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    from_state = UnicodeAttribute(null=True)
    to_state = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


class LeaderItem(TableItem, discriminator="CommunityLeader"):
    """``LEADER#<user id>`` / ``LEADER``. GSI1 ``LEADERS#PENDING`` / ``<applied_at>#<id>`` while pending,
    ``LEADERS#DISTRICT#<district>`` / ``<id>`` while approved, none otherwise. Its history is a handful of
    steps, so it is read with it."""

    leader_id = UnicodeAttribute()
    display_name = UnicodeAttribute()
    state = UnicodeAttribute()  # rules.LeaderState
    point_name = UnicodeAttribute()
    province_code = UnicodeAttribute()
    city_code = UnicodeAttribute()
    district_code = UnicodeAttribute()
    detail = UnicodeAttribute()
    opening_hours = UnicodeAttribute()
    latitude = NumberAttribute()  # micro-degrees (an integer: no float is ever stored)
    longitude = NumberAttribute()
    contact_mobile = UnicodeAttribute()  # personal data: the leader and operators only
    code = UnicodeAttribute(null=True)  # given on approval
    decision_reason = UnicodeAttribute(null=True)
    applied_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    history = ListAttribute(of=LeaderStepMap, default=list)


class LeaderCodeItem(TableItem, discriminator="CommunityLeaderCode"):
    """``LEADER_CODE#<code>`` / ``LEADER_CODE``: a share card's code to its leader, written with the approval."""

    leader_id = UnicodeAttribute()


class ChosenLeaderItem(TableItem, discriminator="CommunityChosenLeader"):
    """``USER#<customer>`` / ``COMMUNITY_LEADER``: the leader whose point a customer picks up from (remembered)."""

    leader_id = UnicodeAttribute()
    chosen_at = UnicodeAttribute()
