"""What earns points: call these when it happens."""
from __future__ import annotations

from chalicelib.points.hooks import on_post_approved, on_team_succeeded

__all__ = ["on_post_approved", "on_team_succeeded"]
