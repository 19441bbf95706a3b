"""`python -m devstack --state-file` keeps what it promises: after a clean restart
the timers armed before it still fire and a seat opened before it can be paid;
after a SIGKILL nothing acknowledged is lost. (The refund failure story over HTTP
runs on tests/devstack/test_main.py's stack.)"""
from __future__ import annotations

import signal
import sys

from devstack.demo import Client, _deals, _order_state, quick_deal
from tests.devstack.devstack_process import devstack, open_team, wait_for


def _args(state) -> list[str]:
    return [sys.executable, "-m", "devstack", "--port", "0", "--aws-port", "0", "--state-file", str(state)]


def _stock(anonymous: Client, deal_id: str) -> int:
    deal = next(d for d in _deals(anonymous) if d["id"] == deal_id)
    return deal["stock"][0]["available"]


def _stop(running) -> None:
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=30) == 0, running.log()


def test_timers_armed_before_a_clean_restart_fire_after_it_and_seats_can_still_be_paid(tmp_path):
    state = tmp_path / "items.json"
    with devstack(_args(state)) as first:
        anonymous = Client(first.api)
        alice, bob, carol = (anonymous.login(f"demo:{name}") for name in ("alice", "bob", "carol"))
        deal_id, sku = quick_deal(anonymous)  # teams live 12 s, seats 6 s
        stock_before = _stock(anonymous, deal_id)
        paid = open_team(alice, deal_id, sku)
        assert anonymous.pay(paid["order"]["id"]) == "applied"
        unpaid = open_team(bob, deal_id, sku)
        mango = next(d for d in _deals(anonymous) if d["teamSize"] == 2)
        later = open_team(carol, mango["id"], mango["prices"][0]["skuId"])  # 15 minutes to pay
        assert _stock(anonymous, deal_id) == stock_before - 2
        assert _order_state(bob, unpaid["order"]["id"]) == "AWAITING_PAYMENT"  # stopped before any timer
        _stop(first)

    with devstack(_args(state)) as second:
        anonymous = Client(second.api)
        alice, bob, carol = (anonymous.login(f"demo:{name}") for name in ("alice", "bob", "carol"))
        # the simulated provider remembers the payment created before the restart
        assert anonymous.pay(later["order"]["id"]) == "applied"
        assert _order_state(carol, later["order"]["id"]) == "PAID_AWAITING_TEAM"
        # the unpaid seat's timer fires: released, its unit back
        wait_for(lambda: _order_state(bob, unpaid["order"]["id"]) == "CANCELLED", "bob's seat released")
        # the paid leader's team fails at its deadline and she is refunded (her capture was kept)
        wait_for(lambda: _order_state(alice, paid["order"]["id"]) == "REFUNDED", "alice's refund")
        team = anonymous.gql("TeamByShareCode", {"shareCode": paid["team"]["shareCode"]})["teamByShareCode"]
        assert team["state"] == "FAILED"
        wait_for(lambda: _stock(anonymous, deal_id) == stock_before, "both units back in the deal's stock", 15)
        assert "re-armed timers of restored items" in second.log()
        _stop(second)


def test_a_sigkilled_stack_keeps_every_acknowledged_write(tmp_path):
    state = tmp_path / "items.json"
    with devstack(_args(state)) as first:
        anonymous = Client(first.api)
        alice = anonymous.login("demo:alice")
        mango = next(d for d in _deals(anonymous) if d["teamSize"] == 2)
        sku = mango["prices"][0]["skuId"]
        opened = open_team(alice, mango["id"], sku)
        assert anonymous.pay(opened["order"]["id"]) == "applied"
        checked = alice.gql("CheckIn")["checkIn"]  # the last write before the crash
        first.process.kill()
        first.process.wait(timeout=30)

    with devstack(_args(state)) as second:
        anonymous = Client(second.api)
        alice, bob = anonymous.login("demo:alice"), anonymous.login("demo:bob")
        assert _order_state(alice, opened["order"]["id"]) == "PAID_AWAITING_TEAM"
        again = alice.gql("CheckIn")["checkIn"]
        assert checked["errors"] == [] and [e["code"] for e in again["errors"]] == ["ALREADY_CHECKED_IN"]
        joined = bob.gql("JoinTeam", {"shareCode": opened["team"]["shareCode"], "skuId": sku})["joinTeam"]
        assert joined["errors"] == []
        assert anonymous.pay(joined["order"]["id"]) == "applied"
        team = anonymous.gql("TeamByShareCode", {"shareCode": opened["team"]["shareCode"]})["teamByShareCode"]
        assert (team["state"], team["paidCount"]) == ("SUCCEEDED", 2)
        _stop(second)

