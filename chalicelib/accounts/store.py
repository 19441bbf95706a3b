"""Users and the external identities (WeChat openid) that sign them in."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts import keys
from chalicelib.accounts.models import IdentityItem, UserItem
from chalicelib.core.principal import Role, User
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction, TransactionCancelled


def to_user(item: UserItem) -> User:
    return User(id=item.user_id, role=Role(item.role), display_name=item.display_name, avatar_url=item.avatar_url)


def get_user(user_id: str) -> User | None:
    try:
        return to_user(UserItem.get(keys.user_pk(user_id), keys.USER_SK))
    except DoesNotExist:
        return None


def wechat_openid(user_id: str) -> str | None:
    """Personal data, read only to pay with WeChat (the JSAPI payer). Never logged."""
    try:
        return UserItem.get(keys.user_pk(user_id), keys.USER_SK).wechat_openid
    except DoesNotExist:
        return None


def user_for_identity(provider: str, subject_digest: str) -> str | None:
    try:
        return IdentityItem.get(keys.identity_pk(provider, subject_digest), keys.IDENTITY_SK).user_id
    except DoesNotExist:
        return None


def create_user_with_identity(
    user: User, provider: str, subject_digest: str, *, wechat_openid: str | None, created_at: str
) -> bool:
    """Both or neither; False if the identity was claimed meanwhile (two first logins racing)."""
    tx = Transaction()
    tx.put(
        "identity",
        IdentityItem(keys.identity_pk(provider, subject_digest), keys.IDENTITY_SK, user_id=user.id),
        TableItem.PK.does_not_exist(),
    )
    tx.put(
        "user",
        UserItem(
            keys.user_pk(user.id),
            keys.USER_SK,
            user_id=user.id,
            role=user.role.value,
            display_name=user.display_name,
            avatar_url=user.avatar_url,
            wechat_openid=wechat_openid,
            created_at=created_at,
        ),
        TableItem.PK.does_not_exist(),
    )
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "identity" in error.failed:
            return False
        raise
    return True
