"""`make dev`'s demo data: what the README's walkthrough relies on, seeded once."""
from __future__ import annotations

from chalicelib.catalog import store as catalog_store
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


def test_the_demo_merchant_runs_one_promotion_on_all_its_products(gql):
    seed_demo()
    seed_demo()
    merchant_id = gql("{ me { id } }", token=gql.login("demo:merchant"))["data"]["me"]["id"]
    (running,) = gql("query($m: ID!) { promotions(merchantId: $m) { summary allProducts } }",
                     {"m": merchant_id})["data"]["promotions"]
    assert running == {"summary": "满¥99减¥10", "allProducts": True}
