"""Assist queries, mixed into Query: an instance's public progress by its share code."""
from __future__ import annotations

from typing import Annotated

import strawberry

from chalicelib.assists import service
from chalicelib.assists.graphql.types import AssistInstance
from chalicelib.core.graphql.context import Ctx


@strawberry.type
class AssistQuery:
    @strawberry.field(description="An assist's public progress by the share code on its card (count and tiers "
                                  "reached, never the helpers); null for an unknown code. One GetItem.")
    def assist_by_share_code(self, info: Ctx, share_code: Annotated[str, strawberry.argument(
            description="The 16-character share code (`AssistInstance.shareCode`).")]) -> AssistInstance | None:
        found = service.instance_by_code(share_code)
        return AssistInstance(instance=found) if found else None
