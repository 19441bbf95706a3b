"""`make dev`'s demo data: what the README's walkthrough relies on, seeded once."""
from __future__ import annotations

from chalicelib.accounts.service import register_user
from chalicelib.adapters.wechat_login import LocalDemoLogin
from chalicelib.cart import store as cart_store
from chalicelib.catalog import store as catalog_store
from chalicelib.core.clock import utc_now
from chalicelib.core.settings import settings
from chalicelib.groupbuy import store as groupbuy_store
from devstack.seed import DEMO_USERS, seed_demo


def test_seeding_twice_gives_one_catalog_two_deals_and_every_demo_user(gql):
    codes = seed_demo()
    seed_demo()
    assert set(codes) == set(DEMO_USERS)
    tree = catalog_store.category_tree()
    assert len([c for c in tree if c.parent_id is None]) == 2
    deals = groupbuy_store.active_deals(10, None).items
    assert sorted(d.terms.team_size for d in deals) == [2, 3]
    for name, (role, _) in DEMO_USERS.items():
        login = gql("mutation($c: String!) { loginWithWechat(input: {code: $c}) { user { role } } }",
                    {"c": codes[name]})["data"]["loginWithWechat"]
        assert login["user"]["role"] == role.value
    # register_user answers the account the seed made (an identity registers once).
    alice = register_user(settings(), LocalDemoLogin().exchange("demo:alice").openid, *DEMO_USERS["alice"], utc_now())
    assert cart_store.line_count(alice.id) == 2  # the README's cart story; seeded once


def test_alice_has_one_default_address_with_a_made_up_number_seeded_once(gql):
    from devstack.seed import ALICE_ADDRESS

    seed_demo()
    seed_demo()
    alice = gql.login("demo:alice")
    book = gql("{ me { addresses { recipient mobile maskedMobile isDefault label } } }",
               token=alice)["data"]["me"]["addresses"]
    assert book == [{"recipient": ALICE_ADDRESS["recipient"], "mobile": "13800000001", "maskedMobile": "138****0001",
                     "isDefault": True, "label": "家"}]
    assert ALICE_ADDRESS["mobile"].startswith("1380000")  # the clearly fake range


def test_the_demo_merchant_runs_one_promotion_on_all_its_products(gql):
    seed_demo()
    seed_demo()
    merchant_id = gql("{ me { id } }", token=gql.login("demo:merchant"))["data"]["me"]["id"]
    (running,) = gql("query($m: ID!) { promotions(merchantId: $m) { summary allProducts } }",
                     {"m": merchant_id})["data"]["promotions"]
    assert running == {"summary": "满¥99减¥10", "allProducts": True}


def test_demo_leader_is_an_approved_community_leader_with_a_pickup_point_seeded_once(gql):
    from chalicelib.community import leaders
    from devstack.seed import LEADER_POINT

    seed_demo()
    seed_demo()
    leader = register_user(settings(), LocalDemoLogin().exchange("demo:leader").openid, *DEMO_USERS["leader"],
                           utc_now())
    found = leaders.leader_by_code(leaders.my_leadership(_customer(leader.id), leader.id).code)
    assert found.id == leader.id and found.state.value == "APPROVED"
    assert (found.point.name, found.point.district_code) == (LEADER_POINT["point_name"], LEADER_POINT["district_code"])
    assert [s.action for s in found.history] == ["APPLIED", "APPROVED"]  # not applied twice


def _customer(user_id: str):
    from chalicelib.core.principal import Principal, Role

    return Principal(user_id, Role.CUSTOMER)


def test_demo_leader_has_an_open_round_of_mangoes_closing_after_seeding(gql):
    from chalicelib.community import rounds
    from devstack.seed import DEMO_ROUND_CUTOFF, DEMO_ROUND_PRICE

    seed_demo()
    seed_demo()
    leader = register_user(settings(), LocalDemoLogin().exchange("demo:leader").openid, *DEMO_USERS["leader"],
                           utc_now())
    (round_,) = rounds.open_rounds_of_leader(leader.id, 10, utc_now()).items
    assert round_.lines[0].price == DEMO_ROUND_PRICE
    assert utc_now() < round_.cutoff_at <= utc_now() + DEMO_ROUND_CUTOFF
