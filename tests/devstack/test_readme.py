"""What the README says about `make dev`'s demo data is true of the seeded stack.

The numbers and examples are read from README.md (and the comments of
graphql/operations/), not copied here: edit the README or the seed alone and this
fails. Runs against `python -m devstack` over HTTP, as a reader would."""
from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

from chalicelib.promotions import rules as promotion_rules
from devstack.demo import Client, story_success
from devstack.project import PROJECT_ROOT
from devstack.seed import DEMO_USERS
from tests.devstack.devstack_process import devstack

# One dev stack for the module (the `stack` fixture), so every test here runs on one worker.
pytestmark = pytest.mark.xdist_group("devstack-readme")

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
OPERATIONS = sorted((PROJECT_ROOT / "graphql" / "operations").glob("*.graphql"))


def said(pattern: str) -> tuple[str, ...]:
    """The README's statement matching `pattern` (whitespace-insensitive): its groups."""
    match = re.search(pattern.replace(" ", r"\s+"), README, re.S)
    assert match, f"the README no longer says {pattern!r}: update this test with it"
    return match.groups()


def number(text: str) -> int:
    return int(text.replace(",", ""))


def fen(yuan: str) -> int:
    whole, _, cents = yuan.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


@pytest.fixture(scope="module")
def stack():
    with devstack() as running:
        yield running


@pytest.fixture(scope="module")
def anonymous(stack) -> Client:
    return Client(stack.api)


def _wait(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"waited {timeout:.0f}s for {what}"
        time.sleep(0.3)
    return value


def test_every_demo_code_the_docs_name_is_a_seeded_user_with_the_role_they_say(anonymous):
    texts = [README] + [path.read_text(encoding="utf-8") for path in OPERATIONS]
    named = {name for text in texts for name in re.findall(r"demo:(\w+)", text)}
    assert named and named <= set(DEMO_USERS), f"not seeded: {named - set(DEMO_USERS)}"
    roles: dict[str, str] = {}
    for text in texts:
        for name, role in re.findall(r"demo:(\w+)\)?,? (?:an?|the) (operator|customer|merchant)\b", text):
            roles[name] = role.upper()
    for name in re.findall(r"\*\*(?:Operators|Moderate)\*\* \((?:as )?`demo:(\w+)`\)", README):
        roles[name] = "OPERATOR"
    assert roles, "the docs say which demo code has which role"
    query = "mutation($code: String!) { loginWithWechat(input: {code: $code}) { user { role displayName } } }"
    for name, role in roles.items():
        user = anonymous.post("/graphql", {"query": query, "variables": {"code": f"demo:{name}"}})
        assert user["data"]["loginWithWechat"]["user"] == {"role": role, "displayName": DEMO_USERS[name][1]}


def test_the_seeded_deals_are_the_ones_the_stories_describe(anonymous):
    mango_size, apple_size, apple_seconds = map(int, said(
        r'a (\d+)-person mango deal, and a (\d+)-person apple "flash" deal whose teams expire (\d+) seconds'))
    (window_minutes,) = said(r"holding her seat for (\d+) minutes")
    (limit,) = said(r"The mango deal allows (\d+) units per person")
    query = """{ deals(first: 10) { edges { node { teamSize teamLifetimeSeconds paymentWindowSeconds perUserLimit
                product { name } } } } }"""
    deals = {d["node"]["product"]["name"].split()[0].lower(): d["node"]
             for d in anonymous.post("/graphql", {"query": query})["data"]["deals"]["edges"]}
    assert set(deals) == {"hainan", "yantai"}
    mango, apples = deals["hainan"], deals["yantai"]
    assert (mango["teamSize"], mango["paymentWindowSeconds"], mango["perUserLimit"]) == (
        mango_size, int(window_minutes) * 60, int(limit))
    assert (apples["teamSize"], apples["teamLifetimeSeconds"]) == (apple_size, apple_seconds)


def test_alice_s_points_checkout_and_the_mall_are_as_the_points_story_says(stack, anonymous):
    total, welcome, last_year, posts_points, posts, per_post = map(number, said(
        r"gives alice (\S+) points: (\S+) as a welcome gift, (\S+) earned last year.*?"
        r"and (\d+) for her (\d+) seeded posts \(an approved post earns (\d+)\)"))
    assert total == welcome + last_year + posts_points and posts_points == posts * per_post
    alice = anonymous.login("demo:alice")
    # The post points come through the stream, shortly after start.
    _wait(lambda: alice.gql("MyPoints")["me"]["points"]["available"] == total, f"alice's {total} points")

    points, price, order_total = said(r"`points: (\d+)` on the mango deal \(¥([\d.]+)\).*?the order is ¥([\d.]+)")
    deal = next(d["node"] for d in anonymous.gql("Deals")["deals"]["edges"] if d["node"]["teamSize"] == 2)
    assert deal["prices"][0]["price"]["amount"] == fen(price)
    # Story 1 by hand, then the demo's story 1: alice still has room for the points story.
    for _ in range(2):
        story_success(stack.api, say=lambda _: None)
    opened = alice.gql("OpenTeamWithPoints", {"dealId": deal["id"], "skuId": deal["prices"][0]["skuId"],
                                              "points": int(points)})["openTeam"]
    assert opened["errors"] == []
    assert opened["order"]["amount"] == {"amount": fen(order_total), "currency": "CNY"}
    assert opened["order"]["pointsUsed"] == int(points)

    (check_in,) = said(r"`CheckIn` → (\d+) points")
    assert alice.gql("CheckIn")["checkIn"]["points"] == int(check_in)

    coupon_yuan, coupon_points, mango_points = said(
        r"`MallItems` lists a ¥(\d+) coupon \((\S+) points\) and a mango \((\S+) points\)")
    items = [edge["node"] for edge in anonymous.gql("MallItems")["mallItems"]["edges"]]
    coupon = next(i for i in items if i["kind"] == "COUPON")
    product = next(i for i in items if i["kind"] == "PRODUCT")
    assert coupon["pointsPrice"] == number(coupon_points) and coupon["coupon"]["value"]["amount"] == fen(coupon_yuan)
    assert product["pointsPrice"] == number(mango_points) and "mango" in product["title"].lower()


def test_alice_s_seeded_cart_is_as_the_cart_story_says(anonymous):
    mango_units, mango_price, apple_units, apple_price, subtotal = said(
        r"alice's cart: (\d+) × Hainan mango 3 kg \(¥([\d.]+)\) and (\d+) × Yantai apples \(¥([\d.]+)\).*?"
        r"selected subtotal of ¥([\d.]+)")
    (max_lines,) = said(r"A cart holds at most (\d+) lines")
    low, high = said(r"`quantity` \((\d+)–(\d+)\)")
    from chalicelib.cart import rules as cart_rules

    assert (int(max_lines), int(low), int(high)) == (cart_rules.MAX_LINES, cart_rules.MIN_QUANTITY,
                                                     cart_rules.MAX_QUANTITY)
    cart = anonymous.login("demo:alice").gql("MyCart")["me"]["cart"]
    lines = {line["sku"]["code"]: line for line in cart["lines"]}
    assert set(lines) == {"MANGO-3KG", "APPLE-12"}
    assert (lines["MANGO-3KG"]["quantity"], lines["MANGO-3KG"]["unitPrice"]["amount"]) == (int(mango_units),
                                                                                          fen(mango_price))
    assert (lines["APPLE-12"]["quantity"], lines["APPLE-12"]["unitPrice"]["amount"]) == (int(apple_units),
                                                                                        fen(apple_price))
    assert all(line["selected"] and line["status"] == "AVAILABLE" for line in cart["lines"])
    assert cart["selectedSubtotal"] == {"amount": fen(subtotal), "currency": "CNY"}
    assert fen(subtotal) == int(mango_units) * fen(mango_price) + int(apple_units) * fen(apple_price)
def test_the_seeded_coupons_and_a_claim_are_as_the_coupons_story_says(anonymous):
    off, over, total, per_person, days, merchant_off, merchant_total, merchant_days = said(
        r"a platform ¥(\d+) off orders over ¥(\d+) \(满\d+减\d+; (\S+) to give, (\d+) per person, valid (\d+) days "
        r"from claiming\) and the demo merchant's ¥(\d+) off with no minimum \(无门槛; (\S+) to give, valid (\d+) days\)")
    alice = anonymous.login("demo:alice")
    centre = [e["node"] for e in alice.gql("CouponCentre", {"first": 20})["couponTemplates"]["edges"]]
    platform = next(t for t in centre if t["terms"]["platform"])
    own = next(t for t in centre if not t["terms"]["platform"])
    assert (platform["terms"]["amountOff"]["amount"], platform["terms"]["threshold"]["amount"], platform["left"],
            platform["perUserLimit"], platform["validDays"]) == (
        fen(off), fen(over), number(total), int(per_person), int(days))
    assert (own["terms"]["amountOff"]["amount"], own["terms"]["threshold"]["amount"], own["left"],
            own["validDays"]) == (fen(merchant_off), 0, number(merchant_total), int(merchant_days))
    claimed = alice.gql("ClaimCoupon", {"templateId": platform["id"]})["claimCoupon"]
    assert claimed["errors"] == []
    again = alice.gql("ClaimCoupon", {"templateId": platform["id"]})["claimCoupon"]
    assert [e["code"] for e in again["errors"]] == [said(r"A second claim answers `(\w+)`")[0]]
    mine = alice.gql("MyCoupons")["me"]["coupons"]["edges"]
    assert claimed["coupon"]["id"] in [e["node"]["id"] for e in mine]


def test_the_word_list_and_the_evasion_examples_are_screened_as_the_feeds_story_says(anonymous):
    blocked_list, review_word = said(r"blocked words \(([^)]*)\) and one that sends a post to the review queue "
                                     r"\(`([^`]+)`\)")
    blocked = re.findall(r"`([^`]+)`", blocked_list)
    (examples,) = said(r"\*\*Screening\.\*\* (.*?) \(evasions of blocked words\)")
    evasions = re.findall(r"`([^`]+)`", examples)
    assert len(blocked) >= 2 and len(evasions) >= 3
    bob = anonymous.login("demo:bob")

    def publish(text: str) -> dict:
        return bob.gql("PublishPost", {"input": {"kind": "NOTE", "title": "试一试", "body": f"今天买的 {text} 水果"}})[
            "publishPost"]

    for text in blocked + evasions:
        result = publish(text)
        assert result["post"] is None and [e["code"] for e in result["errors"]] == ["CONTENT_REJECTED"], text
    held = publish(review_word)
    assert held["errors"] == [] and held["post"]["state"] == "PENDING_REVIEW"


def test_the_addresses_story_states_the_rules_and_seed_as_they_are():
    """No stack needed: the numbers are the rules' constants and the seed's address."""
    from chalicelib.addresses import rules
    from devstack.seed import ALICE_ADDRESS

    recipient, mobile = said(r"`make dev` gives alice (one) address, her default: a made-up recipient \((\S+)\) "
                             r"and number \((138 0000 \d{4})\)")[1:]
    assert (recipient, mobile.replace(" ", "")) == (ALICE_ADDRESS["recipient"], ALICE_ADDRESS["mobile"])
    assert number(said(r"a book holds at most (\d+) addresses \(the (\d+)st")[0]) == rules.MAX_ADDRESSES
    assert number(said(r"the (\d+)st answers `LIMIT_REACHED`")[0]) == rules.MAX_ADDRESSES + 1
    lengths = said(r"recipient (\d+)-(\d+) characters, a mainland mobile of (\d+) digits")
    assert tuple(map(number, lengths[:2])) == (1, rules.MAX_RECIPIENT)
    digits = number(lengths[2])
    assert rules.MOBILE.fullmatch("13" + "0" * (digits - 2)) and not rules.MOBILE.fullmatch("13" + "0" * (digits - 1))
    assert number(said(r"one of the (\d+) provincial-level")[0]) == len(rules.PROVINCES)
    assert number(said(r"detail 1-(\d+) characters")[0]) == rules.MAX_DETAIL
    assert number(said(r"label \(家, 公司\) of at most (\d+)")[0]) == rules.MAX_LABEL
    cities = said(r"(东莞), (中山), (儋州) and (嘉峪关)\s+have no districts")
    assert len(cities) == len(rules.CITIES_WITHOUT_DISTRICTS)
    masked = said(r"`maskedMobile` \(`(\d{3}\*{4}\d{4})`\)")[0]
    assert masked == rules.masked_mobile(ALICE_ADDRESS["mobile"])
def test_the_demo_promotion_and_the_limits_are_as_the_promotions_story_says(anonymous):
    threshold, amount_off, days = said(r"one promotion on all its products, 满 ¥(\d+) 减 ¥(\d+), running for (\d+) days")
    fewest, most, cap = map(int, said(r"`CreatePromotion` with (\d+) to (\d+) tiers.*?at most (\d+) running or upcoming"))
    assert (fewest, most, cap) == (promotion_rules.MIN_TIERS, promotion_rules.MAX_TIERS,
                                  promotion_rules.MAX_PROMOTIONS)
    merchant = anonymous.login("demo:merchant")
    merchant_id = merchant.gql("Me")["me"]["id"]
    (running,) = anonymous.gql("MerchantPromotions", {"merchantId": merchant_id})["promotions"]
    assert [(t["threshold"]["amount"], t["amountOff"]["amount"]) for t in running["tiers"]] == [
        (fen(threshold), fen(amount_off))]
    assert running["allProducts"] is True and running["summary"] == f"满¥{threshold}减¥{amount_off}"
    length = datetime.fromisoformat(running["endsAt"]) - datetime.fromisoformat(running["startsAt"])
    assert length.days == int(days)


def test_the_checkout_story_runs_on_the_dev_stack(stack):
    """Issue 11's "works through GraphQL in make dev with demo data": carol claims, previews,
    places, pays through the simulated capture and finds her order to ship (devstack.demo's
    story 3, over HTTP against the running stack)."""
    from devstack.demo import story_checkout

    story = story_checkout(stack.api, say=lambda _: None)
    preview = story["preview"]
    assert preview["discount"]["amount"] > 0 and preview["total"]["amount"] == sum(
        o["total"]["amount"] for o in preview["orders"])
    assert story["placed"]["payment"]["amount"] == preview["total"]
    assert [o["state"] for o in story["orders"]] == ["TO_SHIP"] * len(story["placed"]["orders"])


def test_the_after_sales_story_runs_on_the_dev_stack(stack):
    """Story 4 of devstack.demo, as the README's after-sales section tells it: shipped, received,
    one of two returned; the refund is what that unit paid and the points follow exactly."""
    from devstack.demo import story_after_sales

    story = story_after_sales(stack.api, say=lambda _: None)
    line = story["order"]["lines"][0]
    refunded = story["request"]["amount"]["amount"]
    assert (line["quantity"], story["request"]["lines"][0]["quantity"]) == (2, 1)
    assert refunded == line["total"]["amount"] // 2
    assert tuple(h["action"] for h in story["request"]["history"]) == said(
        r"Its history reads `(\w+)`, `(\w+)`, `(\w+)`, `(\w+)`, `(\w+)`")
    earned = story["earned"]
    assert story["pending_after"] == story["pending_before"] - earned * refunded // line["total"]["amount"]


def test_the_community_story_runs_on_the_dev_stack_and_the_job_settles_the_leader_s_commission(stack):
    """Story 5 of devstack.demo, as the README's community section tells it: ordered for pickup, delivered past the
    cutoff, handed over with the code; the leader's commission waits for the return window, and the
    settle-commissions job (`make job`, against this stack's emulated AWS) settles it."""
    import subprocess
    import sys

    from devstack.demo import story_community
    from tests.devstack.devstack_process import clean_environment

    story = story_community(stack.api, say=lambda _: None)
    section = " ".join(README.split("## Community group-buy (社区团购): sale rounds", 1)[1].split("\n## ", 1)[0].split())
    seconds, units, rate, price = re.search(r"opens an (\d+)-second round .*? orders (\d+) for pickup .*? "
                                            r"commission, (\d+)% of \d+ × ¥(\d+\.\d\d)", section).groups()
    days = re.search(r"its `holdUntil`, (\d+) days after the hand-over", section).group(1)
    from devstack.demo import QUICK_ROUND_SECONDS

    assert int(seconds) == QUICK_ROUND_SECONDS
    line_price = int(price.replace(".", ""))
    assert story["preview"]["total"]["amount"] == int(units) * line_price and story["preview"]["shipping"]["amount"] == 0
    earned = int(units) * line_price * int(rate) // 100
    (said_amount,) = re.search(r"× ¥\d+\.\d\d, is ¥(\d+\.\d\d)", section).groups()
    assert story["commission"]["amount"]["amount"] == earned == int(said_amount.replace(".", ""))
    assert (story["batch"]["state"], story["handed"]["state"], story["commission"]["state"]) == (
        "DELIVERED", "COMPLETED", "PENDING")
    assert story["commission"]["holdUntil"] == story["handed"]["returnsUntil"]
    returns = datetime.fromisoformat(story["handed"]["returnsUntil"]) - datetime.fromisoformat(
        story["handed"]["completedAt"])
    assert returns.days == int(days)
    ran = subprocess.run([sys.executable, "-m", "devstack.jobs", "settle-commissions", "--now",
                          story["commission"]["holdUntil"], "--aws-port", str(stack.aws_port)],
                         cwd=PROJECT_ROOT, env=clean_environment(), capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    leader = Client(stack.api).login("demo:leader")
    entries = leader.gql("MyCommissions", {"first": 20, "withdrawalsFirst": 1})["me"]["commissions"]["entries"]
    (settled,) = [e["node"] for e in entries["edges"] if e["node"]["orderId"] == story["handed"]["id"]]
    assert settled["state"] == "SETTLED"
    assert leader.gql("MyCommissions", {"first": 1, "withdrawalsFirst": 1})["me"]["commissions"]["available"][
        "amount"] >= earned


def test_the_sharing_story_runs_on_the_dev_stack_and_the_job_settles_the_distributor_s_commission(stack):
    """Story 6 of devstack.demo, as the README's "Sharing that sells" section tells it: two assists on alice's
    start of the seeded campaign, a new customer bound through her invite code who buys the mango through her
    distributor link (paid, shipped, received: her commission pending until the return window closes, then the
    settle-commissions job settles it), and carol's purchase from alice's post counted on her author view."""
    import subprocess
    import sys

    from devstack.demo import story_sharing
    from tests.devstack.devstack_process import clean_environment

    story = story_sharing(stack.api, say=lambda _: None)
    section = " ".join(README.split("## Sharing that sells: the demo story", 1)[1].split("\n## ", 1)[0].split())

    def told(pattern: str) -> tuple[str, ...]:
        match = re.search(pattern, section)
        assert match, f"the sharing story no longer says {pattern!r}: update this test with it"
        return match.groups()

    assists, to_next, tier = map(int, told(r"(\d+) assists, (\d+) more to the first tier \((\d+) →"))
    assert (story["assist"]["assistCount"], story["assist"]["assistsToNextTier"], story["assist"]["tiersReached"]) == (
        assists, to_next, [])
    assert story["assist"]["campaign"]["tiers"][0]["assists"] == tier == assists + to_next
    (bound,) = told(r"alice's `me.referrals` as (\w+)")
    assert story["signed"]["role"] == "CUSTOMER" and story["bound"]["status"] == bound
    rate_bp, percent = map(int, told(r"her link for the mango \((\d+) bp, (\d+)%\)"))
    line, shipping, paid = map(fen, told(r"¥([\d.]+) plus ¥([\d.]+) shipping, ¥([\d.]+) paid"))
    order = story["order"]
    assert (order["lines"][0]["total"]["amount"], order["shipping"]["amount"], order["total"]["amount"]) == (
        line, shipping, paid)
    (earned,) = map(fen, told(r"is ¥([\d.]+), PENDING"))
    assert earned == line * rate_bp // 10_000 == line * percent // 100
    commission = story["commission"]
    assert (commission["kind"], commission["state"], commission["amount"]["amount"]) == ("DISTRIBUTOR", "PENDING",
                                                                                        earned)
    (days,) = told(r"`returnsUntil`, (\d+) days later")
    received = story["received"]
    assert commission["holdUntil"] == received["returnsUntil"]
    assert (datetime.fromisoformat(received["returnsUntil"]) - datetime.fromisoformat(received["completedAt"])).days == (
        int(days))
    visits, orders, link_amount = told(r"the link with (\d+) visit, (\d+) order and ¥([\d.]+)")
    link = story["link"]
    assert (link["visits"], link["orders"], link["commission"]["amount"]) == (int(visits), int(orders), fen(link_amount))
    (due,) = told(r"makes the referral (\w+) from that same `returnsUntil`")
    assert (story["referral"]["status"], story["referral"]["dueAt"]) == (due, received["returnsUntil"])
    (post_paid,) = map(fen, told(r"`source: \{kind: POST, ref: <post id>\}`\), also ¥([\d.]+)"))
    more_orders, more_amount = told(r"counts (\d+) more order and ¥([\d.]+) more")
    assert story["post_order"]["total"]["amount"] == post_paid == fen(more_amount)
    (before_orders, before_amount), (after_orders, after_amount) = story["post_sales_before"], story["post_sales_after"]
    assert (after_orders - before_orders, after_amount - before_amount) == (int(more_orders), post_paid)

    ran = subprocess.run([sys.executable, "-m", "devstack.jobs", "settle-commissions", "--now", commission["holdUntil"],
                          "--aws-port", str(stack.aws_port)],
                         cwd=PROJECT_ROOT, env=clean_environment(), capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    (settled,) = told(r"settles it: (\w+), the ¥[\d.]+ in her `available`")
    alice = Client(stack.api).login("demo:alice")
    account = alice.gql("MyCommissions", {"first": 20, "withdrawalsFirst": 1})["me"]["commissions"]
    (entry,) = [e["node"] for e in account["entries"]["edges"] if e["node"]["orderId"] == order["id"]]
    assert (entry["state"], entry["amount"]["amount"]) == (settled, earned)
    assert account["available"]["amount"] >= earned
