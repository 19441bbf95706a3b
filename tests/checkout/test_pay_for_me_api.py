"""sharePayment, sharedPayment and payForOther through GraphQL: the buyer shares, a family
member sees the lines and total (never the address or the buyer's mobile) and pays under
their own trade number; refusals are typed and change nothing."""
from __future__ import annotations

import json
from datetime import timedelta

from chalicelib.adapters.payments.factory import payment_provider_for
from chalicelib.checkout import paying, store
from chalicelib.checkout import sharing as checkout_sharing
from chalicelib.checkout.graphql import sharing as sharing_graphql
from chalicelib.checkout.rules import PaymentState
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.ids import from_global_id
from chalicelib.core.settings import settings
from tests.checkout.orders_support import RECIPIENT, op, place, raw_id, signed_in
from tests.checkout.support import shop
from tests.conftest import demo_token


def _shared(gql, name: str):
    s = shop()
    token, buyer = signed_in(gql, name, s, quantities=(2,))
    payment = place(gql, token, key=f"{name}-key-0001")["payment"]
    shared = op(gql, "SharePayment", {"paymentId": payment["id"]}, token)["data"]["sharePayment"]
    assert shared["errors"] == []
    return token, buyer, payment, shared["shareCode"]


def test_the_buyer_shares_and_a_family_member_sees_what_it_buys_but_not_where_it_goes(gql):
    token, _, payment, code = _shared(gql, "sharer")
    again = op(gql, "SharePayment", {"paymentId": payment["id"]}, token)["data"]["sharePayment"]
    assert again["shareCode"] == code and len(code) == 16
    friend = demo_token(gql, "share-friend", "CUSTOMER")
    answer = op(gql, "SharedPayment", {"shareCode": code.lower()}, friend)  # case does not matter
    view = answer["data"]["sharedPayment"]
    assert (view["state"], view["amount"]["amount"], view["payBy"]) == ("AWAITING", 12000, payment["payBy"])
    assert [(ln["productName"], ln["skuCode"], ln["quantity"], ln["unitPrice"]["amount"], ln["total"]["amount"])
            for ln in view["lines"]] == [("Mango", "M0", 2, 6000, 12000)]
    text = json.dumps(answer, ensure_ascii=False)
    for personal in (RECIPIENT, "13800000003", "2 号", "openid"):
        assert personal not in text
    unknown = op(gql, "SharedPayment", {"shareCode": "0" * 16}, friend)
    assert unknown["data"]["sharedPayment"] is None and unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    signed_out = op(gql, "SharedPayment", {"shareCode": code}, None)
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_only_the_buyer_shares_a_payment(gql):
    _, _, payment, _ = _shared(gql, "sharer-own")
    stranger = demo_token(gql, "share-stranger", "CUSTOMER")
    refused = op(gql, "SharePayment", {"paymentId": payment["id"]}, stranger)["data"]["sharePayment"]
    assert refused["shareCode"] is None and [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]


def test_the_family_member_pays_under_their_own_trade_number_and_the_orders_ship(gql):
    token, buyer, payment, code = _shared(gql, "sharer-paid")
    friend = demo_token(gql, "share-payer", "CUSTOMER")
    (friend_id,) = from_global_id(gql("{ me { id } }", token=friend)["data"]["me"]["id"], "User")
    paid = op(gql, "PayForOther", {"shareCode": code}, friend)["data"]["payForOther"]
    assert paid["errors"] == [] and paid["paymentParams"]["package"].startswith("prepay_id=")
    assert paid["sharedPayment"]["amount"]["amount"] == 12000
    payment_id = raw_id(payment["id"], "Payment")
    trade_no = store.get_payment(payment_id).trade_of(friend_id)
    assert trade_no.startswith(payment_id + "-")
    # The simulated provider the local stage verifies with was asked under the friend's trade number.
    provider = payment_provider_for(settings())
    headers, body = provider.simulate_capture(trade_no)
    assert paying.apply_payment_event(provider.parse_notification(headers, body), utc_now()) == "applied"
    done = store.get_payment(payment_id)
    assert (done.state, done.payer_id) == (PaymentState.PAID, friend_id)
    again = op(gql, "PayForOther", {"shareCode": code}, friend)["data"]["payForOther"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]
    assert op(gql, "SharedPayment", {"shareCode": code}, token)["data"]["sharedPayment"]["state"] == "PAID"
    assert done.user_id == buyer.user_id  # still the buyer's payment and orders


def test_paying_after_pay_by_is_refused_and_adds_no_trade_number(gql, monkeypatch):
    _, _, payment, code = _shared(gql, "sharer-late")
    friend = demo_token(gql, "share-late", "CUSTOMER")
    moment = utc_now() + timedelta(minutes=16)
    monkeypatch.setattr(sharing_graphql, "utc_now", lambda: moment)
    late = op(gql, "PayForOther", {"shareCode": code}, friend)["data"]["payForOther"]
    assert late["paymentParams"] is None and [e["code"] for e in late["errors"]] == ["PAYMENT_WINDOW_PASSED"]
    assert store.get_payment(raw_id(payment["id"], "Payment")).trade_payers == {}


def test_the_readme_s_pay_for_me_figures(gql, emulator):
    from tests.devstack.test_readme import said

    (code_length,) = said(r"gives alice a\s+(\d+)-character share code")
    (days,) = said(r"the\s+code is gone (\d+) days? after `payBy`")
    (trade_length,) = said(r"`<payment id>-XXXX` \((\d+) characters;")
    (others,) = said(r"at most (\d+)\s+others per payment, then `LIMIT_REACHED`")
    assert int(others) == store.MAX_OTHER_PAYERS  # enforced: test_pay_for_me's concurrent cap test
    (requests,) = said(r"\*\*Cost of viewing a shared payment\*\*: (\d+) DynamoDB requests whatever the\s+number of")
    assert checkout_sharing.SHARE_KEPT_AFTER_PAY_BY == timedelta(days=int(days))
    _, buyer, payment, code = _shared(gql, "readme-share")
    assert len(code) == int(code_length)
    friend = demo_token(gql, "readme-payer", "CUSTOMER")
    op(gql, "PayForOther", {"shareCode": code}, friend)
    payment_id = raw_id(payment["id"], "Payment")
    (trade_no,) = store.get_payment(payment_id).trade_payers
    assert len(trade_no) == int(trade_length)
    emulator.clear_log()
    checkout_sharing.shared_payment(buyer, code, utc_now())
    assert sum(emulator.dynamodb_counts().values()) == int(requests)
