"""Keys are generated once per session: RSA key generation is the slow part."""
from __future__ import annotations

import pytest

from chalicelib.adapters.payments.wechat import WechatPayV3
from tests.adapters.payments.fake_wechatpay import (
    APP_ID,
    MCHID,
    NOTIFY_URL,
    FakeWechatPay,
    Keys,
    private_pem,
    public_pem,
)


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys.generate()


@pytest.fixture
def fake(keys, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a developer's proxy must not see the fake
    server = FakeWechatPay(keys).start()
    yield server
    server.stop()


def wechat_pay(keys: Keys, api_base: str, **overrides) -> WechatPayV3:
    config = dict(mchid=MCHID, app_id=APP_ID, private_key=private_pem(keys.merchant),
                  cert_serial_no=keys.merchant_serial, apiv3_key=keys.apiv3_key, notify_url=NOTIFY_URL,
                  public_key=public_pem(keys.platform), public_key_id=keys.public_key_id,
                  timeout_seconds=5.0, api_base=api_base)
    return WechatPayV3(**{**config, **overrides})


@pytest.fixture
def wxpay(keys, fake) -> WechatPayV3:
    return wechat_pay(keys, fake.url)


@pytest.fixture(autouse=True)
def table():
    """Overrides the suite's per-test table reset: nothing here touches DynamoDB,
    and the reset is most of these tests' run time."""
    yield
