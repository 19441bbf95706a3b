"""Demo data for `make dev`: users for each role, a category tree, products.

Runs through the same services the API uses, so demo data obeys every rule.
Seeding twice (a restart that kept its state) adds nothing.
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.accounts import service as auth
from chalicelib.adapters.wechat_login import LocalDemoLogin
from chalicelib.catalog import service as catalog
from chalicelib.catalog import store as catalog_store
from chalicelib.catalog.rules import Media, ProductStatus, SkuAttribute
from chalicelib.catalog.store import ProductRecord
from chalicelib.core.clock import utc_now
from chalicelib.core.observability import metrics
from chalicelib.core.principal import Principal, Role
from chalicelib.core.settings import settings
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy.rules import NewDeal

# demo login code -> (role, display name). Log in with `demo:<name>`.
DEMO_USERS = {
    "operator": (Role.OPERATOR, "Olga (operator)"),
    "merchant": (Role.MERCHANT, "Mei's Orchard (merchant)"),
    "alice": (Role.CUSTOMER, "Alice"),
    "bob": (Role.CUSTOMER, "Bob"),
    "carol": (Role.CUSTOMER, "Carol"),
    "leader": (Role.CUSTOMER, "Lily (community leader)"),
}

IMG = "https://img.example.com/demo/"

CATALOG = {
    "生鲜 Fresh": {
        "水果 Fruit": [
            ("Hainan mango 海南贵妃芒", ["summer", "fruit", "mango"], True, [
                ("MANGO-3KG", 3990, 200, [("weight", "3 kg")]),
                ("MANGO-5KG", 5990, 120, [("weight", "5 kg")]),
            ]),
            ("Yantai apples 烟台红富士", ["fruit", "apple"], False, [
                ("APPLE-12", 4590, 300, [("count", "12")]),
            ]),
        ],
        "蔬菜 Vegetables": [
            ("Organic spinach 有机菠菜", ["organic", "vegetable"], True, [
                ("SPINACH-500G", 1290, 80, [("weight", "500 g")]),
            ]),
        ],
    },
    "美妆 Beauty": {
        "护肤 Skincare": [
            ("Rice water toner 米水爽肤水", ["skincare", "gift"], False, [
                ("TONER-150", 8900, 50, [("volume", "150 ml")]),
                ("TONER-300", 15900, 30, [("volume", "300 ml")]),
            ]),
        ],
    },
}


def seed_demo() -> dict[str, str]:
    """Seed once; returns demo login codes by name."""
    try:
        return _seed()
    finally:
        # Seeding is not business activity: keep its events out of the first request's metrics.
        metrics.clear_metrics()


def _seed() -> dict[str, str]:
    config = settings()
    now = utc_now()
    users = {}
    for name, (role, display) in DEMO_USERS.items():
        openid = LocalDemoLogin().exchange(f"demo:{name}").openid
        users[name] = auth.register_user(config, openid, role, display, now)
    if catalog_store.category_tree():
        return {name: f"demo:{name}" for name in DEMO_USERS}
    operator = Principal(users["operator"].id, Role.OPERATOR)
    merchant = Principal(users["merchant"].id, Role.MERCHANT)
    created: dict[str, ProductRecord] = {}
    for top_name, children in CATALOG.items():
        top = catalog.create_category(operator, top_name, None)
        for child_name, products in children.items():
            child = catalog.create_category(operator, child_name, top.id)
            for title, tags, green, skus in products:
                created[title] = catalog.create_product(merchant, catalog.NewProduct(
                    category_id=child.id,
                    name=title,
                    description=f"{title}: demo product seeded by make dev.",
                    tags=tuple(tags),
                    media=(Media(IMG + tags[-1] + ".jpg"),),
                    green=green,
                    status=ProductStatus.ACTIVE,
                    skus=tuple(
                        catalog.SkuInput(code=code, price=price, stock=stock,
                                         attributes=tuple(SkuAttribute(k, v) for k, v in attrs))
                        for code, price, stock, attrs in skus
                    ),
                ), now)
    _seed_deals(merchant, created, now)
    _seed_points(operator, users, now)
    _seed_addresses(users, now)
    _seed_mall(operator, created, now)
    _seed_coupons(operator, merchant, now)
    _seed_promotions(merchant, now)
    _seed_feeds(operator, users, created, now)
    _seed_cart(users, created, now)
    _seed_leader(operator, users, now)
    _seed_round(merchant, users, created, now)
    _seed_assist(merchant, users, created, now)
    _seed_distribution(merchant, created, now)
    return {name: f"demo:{name}" for name in DEMO_USERS}


def _seed_feeds(operator: Principal, users: dict, products: dict[str, ProductRecord], now) -> None:
    """Bob and carol follow alice; alice and carol have posted; the word list has
    blocked words and a word that sends a post to the review queue. The stream (started
    after seeding) fans the posts out and awards the post points."""
    from chalicelib.catalog.rules import Media
    from chalicelib.feeds import moderation, posts, social
    from chalicelib.feeds.rules import PostDraft, PostKind

    for word in BLOCKED_WORDS:
        moderation.add_word(operator, word, moderation.WordAction.BLOCK, now)
    for word in REVIEW_WORDS:
        moderation.add_word(operator, word, moderation.WordAction.REVIEW, now)
    alice, bob, carol = (Principal(users[n].id, Role.CUSTOMER) for n in ("alice", "bob", "carol"))
    for reader in (bob, carol):
        social.follow(reader, alice.user_id, now)
    records = list(products.values())
    notes = [
        (alice, PostKind.NOTE, "夏天的第一口芒果", "果肉细腻，冰镇之后更甜。Cold mango on a hot day.", records[:2], ("夏天", "水果")),
        (alice, PostKind.NOTE, "早餐搭配", "燕麦 + 芒果 + 酸奶，五分钟搞定。", records[:1], ("早餐",)),
        (carol, PostKind.REVIEW, "回购第三次", "每次都很新鲜，包装也好。", records[1:2], ("回购",)),
    ]
    for author, kind, title, body, linked, tags in notes:
        posts.publish(author, PostDraft(kind=kind, title=title, body=body, tags=tags,
                                        media=(Media(IMG + "post.jpg"),),
                                        product_ids=tuple(r.product.id for r in linked)), now)


DEMO_PROMOTION_DAYS = 30


def _seed_promotions(merchant: Principal, now) -> None:
    """The demo merchant's 满减 on all its products: 满 ¥99 减 ¥10, running for a month."""
    from chalicelib.promotions import service as promotions
    from chalicelib.promotions.rules import Tier

    promotions.create_promotion(merchant, None, promotions.NewPromotion(
        title="夏日满减 Summer deal", tiers=(Tier(threshold=9900, amount_off=1000),),
        starts_at=now, ends_at=now + timedelta(days=DEMO_PROMOTION_DAYS)), now)


def _seed_mall(operator: Principal, products: dict[str, ProductRecord], now) -> None:
    """A coupon and a product in the points mall."""
    from chalicelib.mall import service as mall
    from chalicelib.mall.rules import CouponTerms, MallItemKind

    mall.create_item(operator, mall.NewMallItem(
        kind=MallItemKind.COUPON, title="¥5 off orders over ¥30", points_price=500, stock=100, per_user_limit=2,
        active=True, coupon=CouponTerms(value=500, min_order=3000, valid_days=30)), now)
    record = next(iter(products.values()))
    mall.create_item(operator, mall.NewMallItem(
        kind=MallItemKind.PRODUCT, title=f"{record.product.name} (points mall)", points_price=2_000, stock=10,
        active=True, product_id=record.product.id, sku_id=record.skus[0].id), now)


def _seed_cart(users: dict, products: dict[str, ProductRecord], now) -> None:
    """Alice's cart: two lines, both selected (the README's cart story)."""
    from chalicelib.cart import service as cart

    alice = Principal(users["alice"].id, Role.CUSTOMER)
    mango, apples = products["Hainan mango 海南贵妃芒"], products["Yantai apples 烟台红富士"]
    cart.add(alice, mango.product.id, mango.skus[0].id, 2, now)
    cart.add(alice, apples.product.id, apples.skus[0].id, 1, now)


def _seed_coupons(operator: Principal, merchant: Principal, now) -> None:
    """The coupon centre: a platform 满减 coupon and a merchant's 无门槛 one, both to claim."""
    from chalicelib.coupons import service as coupons
    from chalicelib.coupons.rules import CouponTerms, DiscountKind, ScopeKind, Validity

    coupons.create_template(operator, coupons.NewTemplate(
        title="¥10 off orders over ¥99", terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=1000, threshold=9900),
        validity=Validity(valid_days=30), total=1_000, per_user_limit=1), now)
    coupons.create_template(merchant, coupons.NewTemplate(
        title="¥5 off, no minimum", terms=CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=500, scope=ScopeKind.MERCHANT,
                                                      merchant_id=merchant.user_id),
        validity=Validity(valid_days=7), total=500, per_user_limit=1), now)


DEMO_ASSIST_TIERS = ((3, "助力样品券 ¥10 off the mango", 1000), (10, "助力免单券 the mango free", 3990))  # fen off
DEMO_ASSIST_DAYS = 7


def _seed_assist(merchant: Principal, users: dict, products: dict[str, ProductRecord], now) -> None:
    """Mei's assist campaign (助力) on the mango: 3 assists → ¥10 off it, 10 → the mango's price off,
    coupons of her own grant-only templates; open for a week. Alice has started it (a client learns a
    campaign's id from where it is promoted; the API lists no campaigns, so story 6 of devstack.demo finds
    it through her `me.assists`), with no assists yet."""
    from datetime import timedelta

    from chalicelib.assists import service as assists
    from chalicelib.coupons import service as coupons
    from chalicelib.coupons.rules import CouponTerms, DiscountKind, ScopeKind, Validity

    mango = products["Hainan mango 海南贵妃芒"].product.id
    tiers = []
    for assists_needed, title, fen in DEMO_ASSIST_TIERS:
        terms = CouponTerms(DiscountKind.AMOUNT_OFF, amount_off=fen, scope=ScopeKind.PRODUCTS,
                            merchant_id=merchant.user_id, product_ids=frozenset({mango}))
        template = coupons.create_template(merchant, coupons.NewTemplate(
            title=title, terms=terms, validity=Validity(valid_days=30), total=1_000, public=False), now)
        tiers.append((assists_needed, template.id))
    campaign = assists.create_campaign(merchant, assists.NewCampaign(
        product_id=mango, title="好友助力 free mango", tiers=tuple(tiers), ends_at=now + timedelta(days=DEMO_ASSIST_DAYS)),
        now)
    assists.start(Principal(users["alice"].id, Role.CUSTOMER), campaign.id, now)


DEMO_DISTRIBUTION_RATE_BP = 1_500  # the mango: 15 % to a distributor, 3 % (20 % of it) to their upstream


def _seed_distribution(merchant: Principal, products: dict[str, ProductRecord], now) -> None:
    """Mei makes the mango distributable (分销): a customer who opts in can share a link for it."""
    from chalicelib.distribution import service as distribution

    distribution.set_rate(merchant, products["Hainan mango 海南贵妃芒"].product.id, DEMO_DISTRIBUTION_RATE_BP, now)


def _seed_points(operator: Principal, users: dict, now) -> None:
    """Alice has points to spend at checkout, and some earned last year that expire at
    the end of this one (shown as "expiring soon" in November and December)."""
    from datetime import timedelta

    from chalicelib.points import service as points

    alice = users["alice"].id
    points.adjust(operator, alice, 1_000, "Welcome gift (demo data)", now, key="demo-welcome")
    points.adjust(operator, alice, 200, "Last year's gift (demo data)", now - timedelta(days=365), key="demo-last-year")


# Made up: a 138 0000 xxxx number and a test street, clearly not anyone's.
ALICE_ADDRESS = {"recipient": "演示收件人", "mobile": "13800000001", "province_code": "440000",
                 "city_code": "440300", "district_code": "440305", "detail": "演示路 1 号 测试大厦 101 室",
                 "label": "家"}


def _seed_addresses(users: dict, now) -> None:
    """Alice has one address, her default: checkout preselects it."""
    from chalicelib.addresses import service as addresses
    from chalicelib.addresses.rules import AddressFields

    alice = Principal(users["alice"].id, Role.CUSTOMER)
    addresses.add_address(alice, AddressFields(**ALICE_ADDRESS), True, now)


# Made up: a 138 0000 xxxx number and a test street. The point is in alice's district (深圳 南山).
LEADER_POINT = {"display_name": "Lily 团长", "point_name": "演示便利店自提点", "province_code": "440000",
                "city_code": "440300", "district_code": "440305", "detail": "演示路 8 号 测试花园 1 栋底商",
                "opening_hours": "08:00-21:00", "latitude": "22.543096", "longitude": "113.934201",
                "contact_mobile": "13800000088"}


# The demo round's order cutoff: this long after seeding (the README's community story orders before it).
DEMO_ROUND_CUTOFF = timedelta(minutes=10)
DEMO_ROUND_PRICE = 2590  # fen: the mango's small SKU at a neighbourhood price (its own is ¥39.90)


def _seed_round(merchant: Principal, users: dict, products: dict[str, ProductRecord], now) -> None:
    """A sale round (场次) of Mei's mangoes for demo:leader's pickup point: ordering closes
    DEMO_ROUND_CUTOFF after seeding, pickup the next day (China time)."""
    from chalicelib.community import rounds
    from chalicelib.community.rules_rounds import NewRound, RoundLine
    from chalicelib.core.clock import CHINA

    mango = products["Hainan mango 海南贵妃芒"]
    cutoff = (now + DEMO_ROUND_CUTOFF).replace(microsecond=0)
    pickup = (cutoff.astimezone(CHINA) + timedelta(days=1)).date()
    rounds.open_round(merchant, NewRound(
        title="小区芒果团 Neighbourhood mangoes", leader_ids=(users["leader"].id,), cutoff_at=cutoff, pickup_on=pickup,
        lines=(RoundLine(mango.product.id, mango.skus[0].id, DEMO_ROUND_PRICE, 5, 800),)), now)


def _seed_leader(operator: Principal, users: dict, now) -> None:
    """demo:leader is an approved community leader (团长) with a pickup point; the operator approved them."""
    from chalicelib.community import leaders
    from chalicelib.community.rules import Application, LeaderAction

    leader = Principal(users["leader"].id, Role.CUSTOMER)
    leaders.apply(leader, Application(**LEADER_POINT), now)
    leaders.decide(operator, leader.user_id, LeaderAction.APPROVE, None, now)


# The README's walkthrough has alice open a mango team in story 1, in each demo run
# and with points: 10 leaves room for all of them and a few demo runs.
MANGO_PER_USER_LIMIT = 10
BLOCKED_WORDS = ("傻逼", "假货", "fuck")  # the README's evasion examples are of these
REVIEW_WORDS = ("加微信",)


def _seed_deals(merchant: Principal, products: dict[str, ProductRecord], now) -> None:
    """Two deals for the README's stories: a 2-person mango deal that stays open a
    day, and a 3-person flash deal whose teams expire after 90 seconds (to watch a
    team fail and its members get refunded)."""
    mango = products["Hainan mango 海南贵妃芒"]
    small = mango.skus[0]
    groupbuy.create_deal(merchant, NewDeal(
        product_id=mango.product.id, prices=((small.id, 2990),), stock=((small.id, 50),),
        starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=30), team_size=2,
        per_user_limit=MANGO_PER_USER_LIMIT), now)
    apples = products["Yantai apples 烟台红富士"]
    sku = apples.skus[0]
    groupbuy.create_deal(merchant, NewDeal(
        product_id=apples.product.id, prices=((sku.id, 2590),), stock=((sku.id, 30),),
        starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=30), team_size=3,
        team_lifetime_seconds=90, payment_window_seconds=60, per_user_limit=2), now)
