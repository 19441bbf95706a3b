"""Client idempotency keys: a retried command applies once; the same key sent with
a different request is refused rather than silently answered with the old result."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from chalicelib.core.errors import ValidationFailed

_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,64}$")
RETENTION_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    scope: str  # who and what: "<user id>:<operation>"; keys of different callers never meet
    key: str
    fingerprint: str  # what was asked; a replay must ask the same


def idempotent_request(user_id: str, operation: str, key: str, *request: object) -> IdempotentRequest:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValidationFailed("an idempotency key is 8-64 letters, digits or -_:.", "idempotencyKey")
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return IdempotentRequest(f"{user_id}:{operation}", key, hashlib.sha256(canonical.encode()).hexdigest())
