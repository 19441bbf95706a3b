"""Where group-buy outcomes meet membership points.

PLACEHOLDER until the points issue: ``on_team_succeeded`` only records the
``PointsHookTeamSucceeded`` metric. The points issue fills it in (domain: "a
successful group-buy team +20 for each member"). Its caller, the team_settlement
workflow's task, may run more than once for a team (Step Functions retries a failed
task), so the real implementation must post each member's award with a source key
such as ``team:<team id>:<member id>`` that the ledger accepts once.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..observability import count


def on_team_succeeded(team_id: str, member_ids: Sequence[str]) -> None:
    """A team succeeded (for real or virtually); ``member_ids`` are its paid members."""
    count("PointsHookTeamSucceeded")
