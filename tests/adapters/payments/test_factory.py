"""Choosing and configuring the payment provider from the environment."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from chalicelib.adapters.payments import PaymentRequest, PaymentState
from chalicelib.adapters.payments.factory import payment_provider_for, reset_payment_provider
from chalicelib.adapters.payments.simulated import SimulatedPayments
from chalicelib.adapters.payments.wechat import WechatPayV3
from chalicelib.core.settings import settings
from tests.adapters.payments.fake_wechatpay import (
    APP_ID,
    MCHID,
    NOTIFY_URL,
    OPENID,
    notification,
    paid_transaction,
    private_pem,
    public_pem,
)

ROOT = Path(__file__).resolve().parents[3]
ORDER = "01JH8Y3V6Q9ZK2M4N5P7R8S9TA"
VARIABLES = ("TUANSTACK_PAYMENTS", "TUANSTACK_SIMULATED_PAYMENTS_KEY", "WECHAT_PAY_MCHID", "WECHAT_PAY_PRIVATE_KEY",
             "WECHAT_PAY_CERT_SERIAL", "WECHAT_PAY_APIV3_KEY", "WECHAT_PAY_PUBLIC_KEY", "WECHAT_PAY_PUBLIC_KEY_ID",
             "WECHAT_PAY_PLATFORM_CERTIFICATES", "WECHAT_PAY_NOTIFY_URL", "WECHAT_PAY_API_BASE",
             "WECHAT_PAY_TIMEOUT_SECONDS")


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    reset_payment_provider()
    yield
    reset_payment_provider()


def local():
    return replace(settings(), stage="local", wechat_app_id=APP_ID)


def production():
    return replace(settings(), stage="prod", wechat_app_id=APP_ID)


def configure_wechat(monkeypatch, keys, api_base: str) -> None:
    # One-line values with literal "\n", as in an env file.
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "wechat")
    monkeypatch.setenv("WECHAT_PAY_MCHID", MCHID)
    monkeypatch.setenv("WECHAT_PAY_PRIVATE_KEY", private_pem(keys.merchant).replace("\n", "\\n"))
    monkeypatch.setenv("WECHAT_PAY_CERT_SERIAL", keys.merchant_serial)
    monkeypatch.setenv("WECHAT_PAY_APIV3_KEY", keys.apiv3_key)
    monkeypatch.setenv("WECHAT_PAY_PUBLIC_KEY", public_pem(keys.platform).replace("\n", "\\n"))
    monkeypatch.setenv("WECHAT_PAY_PUBLIC_KEY_ID", keys.public_key_id)
    monkeypatch.setenv("WECHAT_PAY_NOTIFY_URL", NOTIFY_URL)
    monkeypatch.setenv("WECHAT_PAY_API_BASE", api_base)


# -- the simulation -------------------------------------------------------------------

def test_the_local_stage_gets_one_shared_simulation_signing_with_the_configured_key(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "simulated")
    monkeypatch.setenv("TUANSTACK_SIMULATED_PAYMENTS_KEY", "a-local-key-for-simulated-payments")

    provider = payment_provider_for(local())

    assert isinstance(provider, SimulatedPayments)
    assert payment_provider_for(local()) is provider
    headers, body = provider.simulate_capture(ORDER, amount=100)
    verifier = SimulatedPayments("a-local-key-for-simulated-payments")
    assert verifier.parse_notification(headers, body).state is PaymentState.SUCCESS


def test_without_a_key_the_simulation_derives_one_from_the_secret_key(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "simulated")

    headers, body = payment_provider_for(local()).simulate_capture(ORDER, amount=100)

    verifier = SimulatedPayments(local().derived_key("simulated-payments"))
    assert verifier.parse_notification(headers, body).amount == 100


def test_the_simulation_is_refused_outside_the_local_stage(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "simulated")
    with pytest.raises(RuntimeError, match="only for the local stage"):
        payment_provider_for(production())


def test_a_cached_simulation_is_still_refused_to_a_non_local_caller(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "simulated")
    payment_provider_for(local())
    with pytest.raises(RuntimeError, match="only for the local stage"):
        payment_provider_for(production())


def test_callers_with_equal_or_different_settings_objects_share_the_one_instance(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "simulated")
    provider = payment_provider_for(local())
    assert payment_provider_for(replace(local(), dynamodb_endpoint="http://elsewhere")) is provider
    reset_payment_provider()
    assert payment_provider_for(local()) is not provider


def test_an_unknown_provider_is_refused(monkeypatch):
    monkeypatch.setenv("TUANSTACK_PAYMENTS", "alipay")
    with pytest.raises(RuntimeError, match="'wechat' or 'simulated'"):
        payment_provider_for(production())


# -- WeChat Pay -----------------------------------------------------------------------

def test_wechat_pay_is_the_default_and_is_configured_from_the_environment(monkeypatch, keys, fake):
    configure_wechat(monkeypatch, keys, fake.url)
    monkeypatch.delenv("TUANSTACK_PAYMENTS")

    provider = payment_provider_for(production())

    assert isinstance(provider, WechatPayV3) and payment_provider_for(production()) is provider
    params = provider.create_jsapi_payment(PaymentRequest(ORDER, 100, "CNY", "拼团", OPENID,
                                                          datetime(2030, 1, 1, tzinfo=UTC)))
    assert params.app_id == APP_ID
    assert [r["signed"] for r in fake.requests] == [True]  # merchant key, serial and mchid wired right


def test_platform_certificates_can_stand_in_for_the_public_key(monkeypatch, keys):
    configure_wechat(monkeypatch, keys, "http://127.0.0.1:9")
    monkeypatch.delenv("WECHAT_PAY_PUBLIC_KEY")
    monkeypatch.delenv("WECHAT_PAY_PUBLIC_KEY_ID")
    monkeypatch.setenv("WECHAT_PAY_PLATFORM_CERTIFICATES", keys.platform_cert.public_bytes(Encoding.PEM).decode())

    provider = payment_provider_for(production())

    headers, body = notification(keys, paid_transaction(ORDER, 100), serial=keys.platform_serial)
    assert provider.parse_notification(headers, body).amount == 100


@pytest.mark.parametrize("unset, named", [
    ("WECHAT_PAY_MCHID", "WECHAT_PAY_MCHID"),
    ("WECHAT_PAY_PRIVATE_KEY", "WECHAT_PAY_PRIVATE_KEY"),
    ("WECHAT_PAY_APIV3_KEY", "WECHAT_PAY_APIV3_KEY"),
    ("WECHAT_PAY_NOTIFY_URL", "WECHAT_PAY_NOTIFY_URL"),
    ("WECHAT_PAY_PUBLIC_KEY_ID", "go together"),
])
def test_missing_configuration_is_named_without_quoting_secrets(monkeypatch, keys, unset, named):
    configure_wechat(monkeypatch, keys, "http://127.0.0.1:9")
    monkeypatch.delenv(unset)

    with pytest.raises(RuntimeError, match=named) as refused:
        payment_provider_for(production())

    assert keys.apiv3_key not in str(refused.value)
    assert "PRIVATE KEY-----" not in str(refused.value)


def test_without_any_platform_key_wechat_pay_is_refused(monkeypatch, keys):
    configure_wechat(monkeypatch, keys, "http://127.0.0.1:9")
    monkeypatch.delenv("WECHAT_PAY_PUBLIC_KEY")
    monkeypatch.delenv("WECHAT_PAY_PUBLIC_KEY_ID")
    with pytest.raises(RuntimeError, match="WECHAT_PAY_PLATFORM_CERTIFICATES"):
        payment_provider_for(production())


# -- import cost ----------------------------------------------------------------------

def test_importing_the_payment_modules_leaves_wechatpayv3_for_the_payment_paths():
    # A fresh interpreter: what a cold start imports. Counting modules, not timing.
    code = ("import sys\n"
            "import chalicelib.adapters.payments.factory, chalicelib.adapters.payments.wechat, "
            "chalicelib.adapters.payments.simulated\n"
            "print(sorted(m for m in ('wechatpayv3', 'requests', 'cryptography') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"
