"""Account items: a user and a login identity (the openid, digested)."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.core.table.models import TableItem


class UserItem(TableItem, discriminator="User"):
    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    display_name = UnicodeAttribute(default="")
    avatar_url = UnicodeAttribute(null=True)
    # Personal data: needed to pay with WeChat (JSAPI payer). Never logged.
    wechat_openid = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    # The invite code (老带新) the account was created through, format-checked only: written once, with the
    # account, never after; chalicelib/referrals binds the inviter from this item's INSERT record.
    invite_code = UnicodeAttribute(null=True)


class IdentityItem(TableItem, discriminator="Identity"):
    user_id = UnicodeAttribute()
