"""Every item type of the single table, registered in one place.

PynamoDB maps an item to its class by the ``type`` discriminator, and only knows
the classes whose modules were imported. app.py imports this module before any
handler runs, so a Query or a stream record that meets another feature's item
never finds its discriminator unknown. tests/core/test_models_registry.py fails
when a model is declared and not listed here. The order kinds register their item
types with the orders feature here too (``*.order_view``), so any reader of a user's
orders, GraphQL or not, knows both kinds.
"""
from __future__ import annotations

import chalicelib.accounts.models
import chalicelib.addresses.models
import chalicelib.aftersales.models
import chalicelib.assists.models
import chalicelib.attribution.models
import chalicelib.cart.models
import chalicelib.catalog.models
import chalicelib.checkout.models
import chalicelib.checkout.order_view
import chalicelib.commissions.models
import chalicelib.community.models
import chalicelib.community.models_rounds
import chalicelib.core.table.models
import chalicelib.coupons.models
import chalicelib.distribution.models
import chalicelib.feeds.models
import chalicelib.groupbuy.models
import chalicelib.groupbuy.order_view
import chalicelib.mall.store  # the mall's items
import chalicelib.points.models
import chalicelib.promotions.models
import chalicelib.purchases.models
import chalicelib.referrals.models  # noqa: F401
from chalicelib.core.table.models import TableItem


def registered_discriminators() -> dict[str, type[TableItem]]:
    """Every discriminator value and its class."""
    found: dict[str, type[TableItem]] = {}
    pending = list(TableItem.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        value = cls._get_discriminator_attribute().get_discriminator(cls)
        if value is not None:
            found[value] = cls
    return found
