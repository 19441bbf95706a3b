"""Personal data and secrets never reach the logs, even when a request goes wrong."""
from __future__ import annotations

import logging

from chalicelib.config import settings


def test_logs_of_a_login_and_requests_carry_no_openid_token_or_secret(gql, capsys, caplog):
    # The application's own logs at their most verbose. (Third-party DEBUG logs,
    # botocore's wire dumps, are off in Lambda and must stay off: they print items.)
    caplog.set_level(logging.DEBUG, logger="tuanstack")
    from chalicelib.observability import logger

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
