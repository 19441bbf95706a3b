"""Group-buy items: deals with their stock and buyers, teams, seats, orders."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.addresses.published.models import AddressMap
from chalicelib.core.table.models import TableItem
from chalicelib.orders.published.models import AttributionAttributes, DeliveryAttributes


class DealItem(TableItem, discriminator="Deal"):
    deal_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    prices = ListAttribute(of=MapAttribute, default=list)  # [{sku_id, amount}]
    currency = UnicodeAttribute()
    stock = MapAttribute(default=dict)  # allotted units by sku id, as created
    team_size = NumberAttribute()
    team_lifetime_seconds = NumberAttribute()
    payment_window_seconds = NumberAttribute()
    per_user_limit = NumberAttribute()
    virtual_min_paid = NumberAttribute(null=True)
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    ended = BooleanAttribute(default=False)
    # The deal card's open teams, kept from the table stream (groupbuy/open_teams.py) so a
    # deals page reads deals only: [{team_id, leader_id, taken, paid, size, opened_at,
    # expires_at}], soonest deadline first. Absent on a deal created before the listing.
    listed_open_teams = ListAttribute(of=MapAttribute, null=True)
    more_open_teams = BooleanAttribute(default=False)  # open teams beyond the listed ones


class DealStockItem(TableItem, discriminator="DealStock"):
    """A deal's allotment of one SKU: the same counters as a SKU's stock."""

    deal_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    available = NumberAttribute(default=0)
    reserved = NumberAttribute(default=0)
    sold = NumberAttribute(default=0)


class DealBuyerItem(TableItem, discriminator="DealBuyer"):
    """Units one user holds or bought in a deal: the per-user limit's counter."""

    units = NumberAttribute(default=0)


class TeamItem(TableItem, discriminator="Team"):
    team_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    leader_id = UnicodeAttribute()
    state = UnicodeAttribute()
    taken = NumberAttribute(default=0)  # seats held + paid: never above size
    paid = NumberAttribute(default=0)
    size = NumberAttribute()
    prices = ListAttribute(of=MapAttribute, default=list)
    currency = UnicodeAttribute()
    payment_window_seconds = NumberAttribute()
    per_user_limit = NumberAttribute()
    virtual_min_paid = NumberAttribute(null=True)
    completed_virtually = BooleanAttribute(default=False)
    opened_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    closed_at = UnicodeAttribute(null=True)
    merchant_id = UnicodeAttribute(null=True)  # the deal's, copied at opening (absent on older teams)


class SeatItem(TableItem, discriminator="Seat"):
    team_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    state = UnicodeAttribute()
    is_leader = BooleanAttribute(default=False)
    # Public profile only (shown to other members): never phone, openid or address.
    display_name = UnicodeAttribute(default="")
    avatar_url = UnicodeAttribute(null=True)
    joined_at = UnicodeAttribute()


class OrderItem(AttributionAttributes, DeliveryAttributes, TableItem, discriminator="Order"):
    order_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    team_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    sku_id = UnicodeAttribute()
    quantity = NumberAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    pay_by = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    captured = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)
    refund_attempt = NumberAttribute(default=0)
    refund_error = UnicodeAttribute(null=True)
    points_used = NumberAttribute(default=0)
    discount = NumberAttribute(default=0)
    # The deal's merchant, written at seat time: settling a succeeded team lists the order in the
    # merchant's GSI2 partition (MERCHANT#<m>#ORDERS) when it becomes TO_SHIP.
    merchant_id = UnicodeAttribute(null=True)
    # Where it ships: the buyer's chosen (or default) address when the seat was taken; absent when
    # the buyer had none (setOrderAddress gives it; shipping is refused until then). Personal data.
    address = AddressMap(null=True)
