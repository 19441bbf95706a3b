"""A deal's open teams listed on the deal's own item, so a deals page reads deals only.

Each deal's open teams are their own GSI1 partition: listing them per deal costs one
Query a deal (1 + N for a page). Instead the deal item carries its soonest-expiring
open teams (``DealItem.listed_open_teams``), and the table stream keeps them: every
change to a team's state, seats or deadline lists its deal's teams again.

Listed again, never adjusted: the handler reads the deal's open teams from the index
and then the teams themselves, strongly consistent (the index lags its table), and
overwrites the listing. A redelivered or out-of-order record therefore writes what
is true when it runs, whatever it carries. What the listing may still get wrong: two
teams of one deal changing at the same moment are listed by two handlers that can
overwrite each other, so one entry may be a change behind until the deal's next
team change; the page still hides it at its deadline, and a join against it is
decided by the team's own conditions (seating.join_team), never by the listing.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import query_page
from chalicelib.groupbuy import keys
from chalicelib.groupbuy.mapping import listed_team_map, to_team
from chalicelib.groupbuy.models import DealItem, TeamItem
from chalicelib.groupbuy.rules import LISTED_OPEN_TEAMS, Team, TeamState
from chalicelib.groupbuy.store import still_open_after


def current_open_teams(deal_id: str, changed_team_id: str, now: datetime) -> tuple[list[Team], bool]:
    """The deal's soonest-expiring open teams (at most LISTED_OPEN_TEAMS) and whether it
    has more: the index names them, consistent reads of the teams (and of the team that
    just changed, which the index may not show yet) say which are open and how full."""
    named = query_page(TableItem.gsi1, keys.deal_open_teams(deal_id), LISTED_OPEN_TEAMS, still_open_after(now),
                       forward=True)
    ids = [item.team_id for item in named.items] + [changed_team_id]
    found = batch_get([(keys.team_pk(i), keys.TEAM_SK) for i in ids], consistent=True)
    teams = sorted((to_team(item) for item in found if isinstance(item, TeamItem) and item.deal_id == deal_id),
                   key=lambda t: (t.expires_at, t.id))
    open_ = [t for t in teams if t.state is TeamState.OPEN and t.expires_at > now]
    return open_[:LISTED_OPEN_TEAMS], named.has_more or len(open_) > LISTED_OPEN_TEAMS


def list_open_teams(deal_id: str, changed_team_id: str, now: datetime) -> bool:
    """Write the deal's open teams onto its item. False if the deal does not exist
    (a listing never creates a deal). Three requests: Query, BatchGetItem, UpdateItem."""
    teams, more = current_open_teams(deal_id, changed_team_id, now)
    return update_if(DealItem(keys.deal_pk(deal_id), keys.DEAL_SK), [
        DealItem.listed_open_teams.set([listed_team_map(t) for t in teams]),
        DealItem.more_open_teams.set(more),
    ], TableItem.PK.exists())
