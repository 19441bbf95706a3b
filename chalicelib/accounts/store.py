"""Users and the external identities (WeChat openid) that sign them in."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts import keys
from chalicelib.accounts.models import IdentityItem, UserItem
from chalicelib.core.principal import Role, User
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction, TransactionCancelled


def to_user(item: UserItem) -> User:
    return User(id=item.user_id, role=Role(item.role), display_name=item.display_name, avatar_url=item.avatar_url)


def get_user(user_id: str) -> User | None:
    try:
        return to_user(UserItem.get(keys.user_pk(user_id), keys.USER_SK))
    except DoesNotExist:
        return None


def update_profile(user_id: str, display_name: str, avatar_url: str | None) -> User | None:
    """Set the name (and the avatar, unless None: kept) in one conditional UpdateItem; the
    user as stored after it, or None when there is no such user (nothing is created)."""
    item = UserItem(keys.user_pk(user_id), keys.USER_SK)
    actions = [UserItem.display_name.set(display_name)]
    if avatar_url is not None:
        actions.append(UserItem.avatar_url.set(avatar_url))
    if not update_if(item, actions, TableItem.PK.exists()):
        return None
    return to_user(item)


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
    user: User, provider: str, subject_digest: str, *, wechat_openid: str | None, created_at: str,
    invite_code: str | None = None,
) -> bool:
    """Both or neither; False if the identity was claimed meanwhile (two first logins racing).
    ``invite_code`` goes on the new user item only: an account is created once, so it is never rebound."""
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
            invite_code=invite_code,
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
