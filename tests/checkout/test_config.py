"""The checkout's terms: decided defaults, overridden per stage from the environment, typos refused."""
from __future__ import annotations

import pytest

from chalicelib.checkout import config
from chalicelib.checkout.rules import DEFAULT_TERMS


@pytest.fixture(autouse=True)
def fresh_terms():
    config.checkout_terms.cache_clear()
    yield
    config.checkout_terms.cache_clear()


def test_the_decided_defaults_without_configuration(monkeypatch):
    for variable in config.ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    assert config.checkout_terms() == DEFAULT_TERMS
    assert (DEFAULT_TERMS.payment_window_seconds, DEFAULT_TERMS.shipping_fee, DEFAULT_TERMS.free_shipping_from) == (
        15 * 60, 1000, 9900)


def test_each_term_is_read_from_its_variable(monkeypatch):
    monkeypatch.setenv("TUANSTACK_CHECKOUT_PAYMENT_WINDOW_SECONDS", "1800")
    monkeypatch.setenv("TUANSTACK_CHECKOUT_SHIPPING_FEE_FEN", "0")
    terms = config.checkout_terms()
    assert (terms.payment_window_seconds, terms.shipping_fee, terms.free_shipping_from) == (1800, 0, 9900)


@pytest.mark.parametrize("value", ["15m", "-5", "30", "100000"])
def test_a_value_out_of_range_or_not_whole_is_refused(monkeypatch, value):
    monkeypatch.setenv("TUANSTACK_CHECKOUT_PAYMENT_WINDOW_SECONDS", value)
    with pytest.raises(RuntimeError):
        config.checkout_terms()


def test_operations_doc_lists_every_variable():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    assert all(f"`{variable}`" in text for variable in config.ENVIRONMENT.values())


def test_coupons_stacking_is_a_switch(monkeypatch):
    monkeypatch.setenv("TUANSTACK_CHECKOUT_COUPONS_STACK", "false")
    assert config.checkout_terms().coupons_stack is False
    config.checkout_terms.cache_clear()
    monkeypatch.setenv("TUANSTACK_CHECKOUT_COUPONS_STACK", "maybe")
    with pytest.raises(RuntimeError):
        config.checkout_terms()
