"""A deal's open teams listed on its item (groupbuy/open_teams.py), kept from the table
stream through the app's own consumer: right after teams open, fill and expire, with
records delivered again or late, and a team past its deadline never shown."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import stream as table_stream
from chalicelib.core.clock import utc_now
from chalicelib.core.stream import handlers_of
from chalicelib.core.table.paging import PageRequest
from chalicelib.groupbuy import service as groupbuy
from chalicelib.groupbuy import store, stream_handlers
from chalicelib.groupbuy.graphql import types as groupbuy_types
from chalicelib.groupbuy.rules import ListedOpenTeams, Team, TeamState
from tests.groupbuy.ops import DEALS
from tests.groupbuy.support import RecordingPayments, capture, deal_setup, deliver_table_stream, user


def _listed(deal_id: str) -> tuple[list[tuple[str, int]], bool]:
    """(team id, seats taken) of each listed team, and whether the deal has more."""
    listing = store.get_deal(deal_id).listed_open_teams
    return [(t.id, t.held + t.paid) for t in listing.teams], listing.more


def _record(event_name: str, new: dict, old: dict | None = None) -> DynamoDBRecord:
    def image(values: dict) -> dict:
        return {k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in {"type": "Team", **values}.items()}

    dynamodb = {"NewImage": image(new)}
    if old is not None:
        dynamodb["OldImage"] = image(old)
    return DynamoDBRecord({"eventName": event_name, "dynamodb": dynamodb})


def test_the_table_stream_consumer_lists_open_teams():
    assert stream_handlers.deal_open_teams_listed in handlers_of("Team")
    assert table_stream.handle_record.__module__ == "chalicelib.core.stream"  # the router app.py's consumer runs


def test_a_new_deal_lists_no_open_teams():
    deal, _, _ = deal_setup()
    assert _listed(deal.id) == ([], False)


def test_teams_opening_filling_and_expiring_keep_the_listing_right(emulator, monkeypatch):
    payments = RecordingPayments()
    deal, sku, _ = deal_setup(team_size=2)
    first = groupbuy.open_team(user("ann"), deal.id, sku, None, payments, utc_now())
    second = groupbuy.open_team(user("bob"), deal.id, sku, None, payments, utc_now() + timedelta(seconds=2))
    deliver_table_stream(emulator, monkeypatch)
    assert _listed(deal.id) == ([(first.team.id, 1), (second.team.id, 1)], False)

    joined = groupbuy.join_team(user("cat"), first.team.id, sku, None, payments, utc_now())
    deliver_table_stream(emulator, monkeypatch)
    assert _listed(deal.id) == ([(first.team.id, 2), (second.team.id, 1)], False)

    for order in (first.order, joined.order):  # both pay: the team fills and succeeds at once
        assert capture(order) == "applied"
    deliver_table_stream(emulator, monkeypatch)
    assert store.get_team(first.team.id).state is TeamState.SUCCEEDED
    assert _listed(deal.id) == ([(second.team.id, 1)], False)

    # The same record again, and a record older than the team's state (its opening),
    # arriving after it closed: listed afresh, the closed team stays off.
    stale_opening = _record("INSERT", {"team_id": first.team.id, "deal_id": deal.id, "state": "OPEN", "taken": 1,
                                       "expires_at": "2030-01-01T00:00:00Z"})
    monkeypatch.setattr(stream_handlers, "start_once", lambda arn, name, payload: True)
    table_stream.handle_record(stale_opening)
    table_stream.handle_record(stale_opening)
    assert _listed(deal.id) == ([(second.team.id, 1)], False)

    # Past its deadline, before any timer closed it: the next listing drops it (time decides).
    later = second.team.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(stream_handlers, "utc_now", lambda: later)
    table_stream.handle_record(_record("MODIFY", {"team_id": second.team.id, "deal_id": deal.id, "state": "OPEN",
                                                  "taken": 0}, {"team_id": second.team.id, "state": "OPEN",
                                                                "taken": 1}))
    assert store.get_team(second.team.id).state is TeamState.OPEN
    assert _listed(deal.id) == ([], False)


def test_a_team_past_its_deadline_is_not_shown_before_its_timer_runs(gql, emulator, monkeypatch):
    deal, sku, _ = deal_setup()
    opened = groupbuy.open_team(user("ann"), deal.id, sku, None, RecordingPayments(), utc_now())
    deliver_table_stream(emulator, monkeypatch)
    shown = gql(DEALS)["data"]["deals"]["edges"][0]["node"]["openTeams"]["edges"]
    assert [e["node"]["shareCode"] for e in shown] == [opened.team.id]

    later = opened.team.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(groupbuy_types, "utc_now", lambda: later)
    assert store.get_team(opened.team.id).state is TeamState.OPEN  # no timer ran
    assert gql(DEALS)["data"]["deals"]["edges"][0]["node"]["openTeams"]["edges"] == []
    # The index (with `after`, or a deal without a listing) hides it the same way.
    assert store.open_teams(deal.id, PageRequest(5), later).items == []
    assert [t.id for t in store.open_teams(deal.id, PageRequest(5), later - timedelta(seconds=2)).items] == [opened.team.id]


def _team(name: str, expires_at: datetime) -> Team:
    return Team(id=name, terms=None, leader_id="L", state=TeamState.OPEN, held=1, paid=0,  # type: ignore[arg-type]
                opened_at=expires_at - timedelta(hours=1), expires_at=expires_at)


NOW = datetime(2030, 1, 1, tzinfo=UTC)
EXPIRED, A, B, C = (_team(n, NOW + timedelta(minutes=m)) for n, m in (("X", -1), ("A", 1), ("B", 2), ("C", 3)))


def test_a_listing_answers_a_page_only_when_it_can_tell():
    complete = ListedOpenTeams((EXPIRED, A, B), more=False)
    assert complete.first(1, NOW) == ([A], True)
    assert complete.first(5, NOW) == ([A, B], False)  # all the deal's open teams: a page of any size
    partial = ListedOpenTeams((EXPIRED, A, B, C), more=True)
    assert partial.first(2, NOW) == ([A, B], True)
    assert partial.first(3, NOW) == ([A, B, C], True)  # the unlisted ones expire later still
    assert partial.first(4, NOW) is None  # asks past the listing: the index answers
