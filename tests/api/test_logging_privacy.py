"""Personal data and secrets never reach the logs, even when a request goes wrong."""
from __future__ import annotations

import logging

from chalicelib.core.settings import settings


def test_logs_of_a_login_and_requests_carry_no_openid_token_or_secret(gql, capsys, caplog):
    # The application's own logs at their most verbose. (Third-party DEBUG logs,
    # botocore's wire dumps, are off in Lambda and must stay off: they print items.)
    caplog.set_level(logging.DEBUG, logger="tuanstack")
    from chalicelib.core.observability import logger

    logger.setLevel("DEBUG")
    try:
        token = gql.login("demo:pii-check")
        gql("{ me { id } }", token=token)
        gql("{ product(id: \"bm90LWFuLWlk\") { id } }", token=token)
        gql.raw("{ me { id } }", token=token + "x")
    finally:
        logger.setLevel("WARNING")
    output = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "graphql request" in output  # the logs were captured at all
    for secret in ("local-openid-pii-check", token, settings().secret_key):
        assert secret not in output


def test_each_log_line_is_written_once_as_json():
    """In a fresh process, in Lambda's import order (app first, then a request's path):
    Chalice and Powertools share the "tuanstack" logger, and only Powertools may write."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import app\n"
            "from chalicelib.core.observability import logger\n"
            "logger.info('one line please')\n")
    env = {**os.environ, "POWERTOOLS_LOG_LEVEL": "INFO"}
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "one line please" in line]
    assert len(lines) == 1 and lines[0].startswith("{"), lines


def test_address_book_personal_data_is_never_logged(gql, capsys, caplog):
    """Recipient, mobile and detail: not when stored, read, changed, refused or removed."""
    caplog.set_level(logging.DEBUG, logger="tuanstack")
    from chalicelib.core.observability import logger

    recipient, mobile, detail = "隐私收件人", "13800009876", "隐私测试路 42 号"
    logger.setLevel("DEBUG")
    try:
        token = gql.login("demo:pii-address")
        address = {"recipient": recipient, "mobile": mobile, "provinceCode": "110000", "cityCode": "110100",
                   "districtCode": "110105", "detail": detail}
        added = gql("mutation($i: AddAddressInput!) { addAddress(input: $i) { address { id } errors { code } } }",
                    {"i": address}, token=token)["data"]["addAddress"]["address"]
        gql("{ me { addresses { recipient mobile maskedMobile detail } } }", token=token)
        gql("query($id: ID!) { node(id: $id) { ... on Address { recipient mobile detail } } }", {"id": added["id"]},
            token=token)
        gql("mutation($i: UpdateAddressInput!) { updateAddress(input: $i) { address { id } errors { code } } }",
            {"i": {"id": added["id"], "mobile": mobile + "0", "recipient": recipient * 3}}, token=token)
        gql("mutation($i: AddAddressInput!) { addAddress(input: $i) { address { id } errors { code } } }",
            {"i": {**address, "provinceCode": "990000", "detail": detail * 5}}, token=token)
        gql("mutation($id: ID!) { removeAddress(input: {id: $id}) { addresses { id } errors { code } } }",
            {"id": added["id"]}, token=token)
    finally:
        logger.setLevel("WARNING")
    output = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "graphql request" in output  # the logs were captured at all
    for personal in (recipient, mobile, detail, "13800009876", "138****9876"):
        assert personal not in output


def test_an_order_s_shipping_address_is_never_logged(gql, capsys, caplog, monkeypatch):
    """Placed (its snapshot copied), refused, read back on the order, listed: never in the logs."""
    from chalicelib.checkout import placing
    from tests.checkout.orders_support import RECIPIENT, op, place, signed_in
    from tests.checkout.support import shop

    caplog.set_level(logging.DEBUG, logger="tuanstack")
    from chalicelib.core.observability import logger

    s = shop()
    logger.setLevel("DEBUG")
    try:
        token, _ = signed_in(gql, "pii-order", s, quantities=(1,))
        placed = place(gql, token)
        assert placed["orders"][0]["shippingAddress"]["recipient"] == RECIPIENT
        op(gql, "OrderNode", {"id": placed["orders"][0]["id"]}, token)
        op(gql, "OrdersOfEveryKind", {}, token)
        monkeypatch.setattr(placing, "payment_params", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
        place(gql, token, key="pii-order-0002", buyNow={"skuId": placed["orders"][0]["lines"][0]["skuId"]})
    finally:
        logger.setLevel("WARNING")
    output = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "graphql request" in output
    for personal in (RECIPIENT, "13800000003", "2 号"):
        assert personal not in output
