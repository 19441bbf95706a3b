"""Access patterns of the GraphQL kernel (persisted queries), one function per row of
docs/data-model.md; test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.core.graphql import persisted
from chalicelib.core.settings import settings

_QUERY = "{ __typename }"
_SHA = persisted.sha256_hex(_QUERY)


def a_persisted_query_by_hash(emulator, category):
    persisted.forget_container_cache()
    persisted.register(_SHA, _QUERY)
    persisted.forget_container_cache()  # a cold start
    emulator.clear_log()
    assert persisted.stored_query(_SHA, settings()) == _QUERY
    assert persisted.stored_query(_SHA, settings()) == _QUERY  # then from the container
    assert persisted.stored_query(persisted.sha256_hex("{ me { id } }"), settings()) is None
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]
    persisted.forget_container_cache()


def register_a_persisted_query(emulator, category):
    persisted.forget_container_cache()
    emulator.clear_log()
    persisted.register(_SHA, _QUERY)
    persisted.forget_container_cache()
    persisted.register(_SHA, _QUERY)  # already stored: the condition refuses, nothing changes
    persisted.register(_SHA, _QUERY)  # this container knows it: no request
    assert emulator.dynamodb_operations() == ["PutItem", "PutItem"]
    persisted.forget_container_cache()


def the_caller_s_own_name_and_avatar_updatemyprofile(emulator, category):
    import chalicelib.schema  # noqa: F401 - the root assembly plugs the feeds word screen into accounts
    from chalicelib.accounts.profile import update_my_profile
    from chalicelib.accounts.service import register_user
    from chalicelib.core.clock import utc_now
    from chalicelib.core.principal import Principal, Role

    user = register_user(settings(), "openid-profile-pattern", Role.CUSTOMER, "Pat", utc_now())
    caller = Principal(user.id, Role.CUSTOMER)
    update_my_profile(caller, "Pat", None)  # the word list, once a minute per container
    emulator.clear_log()
    updated = update_my_profile(caller, "Pat 李", "https://img.example.com/pat.png")
    assert (updated.display_name, updated.avatar_url) == ("Pat 李", "https://img.example.com/pat.png")
    # The caller's GetItem belongs to authentication (one per request, see its own row).
    assert emulator.dynamodb_operations() == ["UpdateItem"]
