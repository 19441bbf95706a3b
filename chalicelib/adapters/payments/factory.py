"""The payment provider of this process, chosen and configured from the environment.

Environment variables (read at first use, not at import):

- ``TUANSTACK_PAYMENTS``: ``wechat`` (default) or ``simulated``. The simulation is
  refused outside the local stage (``TUANSTACK_STAGE=local``).
- ``TUANSTACK_SIMULATED_PAYMENTS_KEY``: HMAC key of the simulation's notifications
  (at least 16 bytes). Unset: derived from ``TUANSTACK_SECRET_KEY``.

For ``wechat`` (WeChat Pay API v3, direct merchant, mini-program JSAPI):

- ``WECHAT_PAY_MCHID``: merchant id (商户号).
- ``WECHAT_APP_ID``: the mini-program's app id (shared with login).
- ``WECHAT_PAY_PRIVATE_KEY``: merchant API private key, PEM (apiclient_key.pem).
  Secret: in AWS a ``{{resolve:secretsmanager:...}}`` reference, never a file in the repo.
- ``WECHAT_PAY_CERT_SERIAL``: serial number of the merchant API certificate.
- ``WECHAT_PAY_APIV3_KEY``: the 32-byte APIv3 key (decrypts notifications). Secret.
- ``WECHAT_PAY_NOTIFY_URL``: https URL WeChat posts payment notifications to.
- Platform verification, one of:
  ``WECHAT_PAY_PUBLIC_KEY`` (PEM) and ``WECHAT_PAY_PUBLIC_KEY_ID`` ("PUB_KEY_ID_..."),
  preferred, what new merchants get; or
  ``WECHAT_PAY_PLATFORM_CERTIFICATES``: one or more PEM platform certificates.
- ``WECHAT_PAY_API_BASE`` (optional): default https://api.mch.weixin.qq.com;
  https://api2.mch.weixin.qq.com is WeChat's backup domain.
- ``WECHAT_PAY_TIMEOUT_SECONDS`` (optional, default 10).

PEM values may carry their line breaks as literal ``\\n`` (one-line env files).
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping

from chalicelib.adapters.payments import PaymentProvider
from chalicelib.core.settings import Settings

_lock = threading.Lock()
_cached: PaymentProvider | None = None
_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def payment_provider_for(settings: Settings) -> PaymentProvider:
    """One provider per process, whatever Settings object the caller holds: the
    simulation's state must be the same for the API, the notification handler and
    the workflow tasks, and the WeChat client parses its keys once per warm Lambda."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = build_payment_provider(settings, os.environ)
        provider = _cached
    _refuse_simulation_outside_local(provider, settings)
    return provider


def reset_payment_provider() -> None:
    """Forget the cached provider (tests that change the environment)."""
    global _cached
    with _lock:
        _cached = None


def _refuse_simulation_outside_local(provider: PaymentProvider, settings: Settings) -> None:
    # Checked on every call, not only when building: a cached simulation must not
    # answer a caller whose settings are not the local stage's.
    from chalicelib.adapters.payments.simulated import SimulatedPayments

    if isinstance(provider, SimulatedPayments) and not settings.is_local:
        raise RuntimeError("the simulated payment provider is only for the local stage")


def build_payment_provider(settings: Settings, environ: Mapping[str, str]) -> PaymentProvider:
    kind = environ.get("TUANSTACK_PAYMENTS", "wechat")
    if kind == "simulated":
        from chalicelib.adapters.payments.simulated import SimulatedPayments

        if not settings.is_local:
            raise RuntimeError("the simulated payment provider is only for the local stage")
        key = environ.get("TUANSTACK_SIMULATED_PAYMENTS_KEY") or settings.derived_key("simulated-payments")
        return SimulatedPayments(key)
    if kind == "wechat":
        return _wechat(settings, environ)
    raise RuntimeError("TUANSTACK_PAYMENTS must be 'wechat' or 'simulated'")


def _wechat(settings: Settings, environ: Mapping[str, str]) -> PaymentProvider:
    from chalicelib.adapters.payments.wechat import OFFICIAL_API_BASE, WechatPayV3

    def pem(name: str) -> str:
        return environ.get(name, "").replace("\\n", "\n").strip()

    required = {
        "WECHAT_PAY_MCHID": environ.get("WECHAT_PAY_MCHID", ""),
        "WECHAT_APP_ID": settings.wechat_app_id or environ.get("WECHAT_APP_ID", ""),
        "WECHAT_PAY_PRIVATE_KEY": pem("WECHAT_PAY_PRIVATE_KEY"),
        "WECHAT_PAY_CERT_SERIAL": environ.get("WECHAT_PAY_CERT_SERIAL", ""),
        "WECHAT_PAY_APIV3_KEY": environ.get("WECHAT_PAY_APIV3_KEY", ""),
        "WECHAT_PAY_NOTIFY_URL": environ.get("WECHAT_PAY_NOTIFY_URL", ""),
    }
    missing = [name for name, value in required.items() if not value]
    public_key, public_key_id = pem("WECHAT_PAY_PUBLIC_KEY"), environ.get("WECHAT_PAY_PUBLIC_KEY_ID", "")
    certificates = _CERTIFICATE.findall(pem("WECHAT_PAY_PLATFORM_CERTIFICATES"))
    if bool(public_key) != bool(public_key_id):
        missing.append("both WECHAT_PAY_PUBLIC_KEY and WECHAT_PAY_PUBLIC_KEY_ID (they go together)")
    elif not public_key and not certificates:
        missing.append("WECHAT_PAY_PUBLIC_KEY and WECHAT_PAY_PUBLIC_KEY_ID (or WECHAT_PAY_PLATFORM_CERTIFICATES)")
    if missing:
        # Names only: the values are secrets.
        raise RuntimeError(f"WeChat Pay is not configured: set {', '.join(missing)}")
    try:
        timeout = float(environ.get("WECHAT_PAY_TIMEOUT_SECONDS", "10"))
    except ValueError:
        raise RuntimeError("WECHAT_PAY_TIMEOUT_SECONDS must be a number of seconds") from None
    # With a public key configured, certificates are ignored: WeChat's own advice
    # is to initialise in public-key mode once the merchant has one.
    use_public_key = bool(public_key and public_key_id)
    return WechatPayV3(
        mchid=required["WECHAT_PAY_MCHID"],
        app_id=required["WECHAT_APP_ID"],
        private_key=required["WECHAT_PAY_PRIVATE_KEY"],
        cert_serial_no=required["WECHAT_PAY_CERT_SERIAL"],
        apiv3_key=required["WECHAT_PAY_APIV3_KEY"],
        notify_url=required["WECHAT_PAY_NOTIFY_URL"],
        public_key=public_key if use_public_key else None,
        public_key_id=public_key_id if use_public_key else None,
        platform_certificates=() if use_public_key else certificates,
        timeout_seconds=timeout,
        api_base=environ.get("WECHAT_PAY_API_BASE") or OFFICIAL_API_BASE,
    )
