"""The Date and DateTime scalars, with the standard that says how to read them.

Strawberry's own definitions, with a description and ``@specifiedBy`` so a code
generator can map them to its date types. Every feature's ``datetime`` and ``date``
fields are these (assemble_schema passes them as overrides).
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"

DateTime = dataclasses.replace(
    DateTimeDefinition,
    description="An instant: RFC 3339 date-time with an offset. Sent in UTC, e.g. 2026-12-01T02:00:00+00:00; "
                "give one with its offset, e.g. 2026-12-01T10:00:00+08:00 or 2026-12-01T02:00:00Z.",
    specified_by_url=RFC_3339,
)

Date = dataclasses.replace(
    DateDefinition,
    description="A calendar day (no time, no zone): RFC 3339 full-date, e.g. 2026-12-01.",
    specified_by_url=RFC_3339,
)

SCALAR_OVERRIDES = {datetime: DateTime, date: Date}
