"""A stand-in for the Lambda context object, for handlers run in-process.

It carries the attributes handlers and Powertools read (request id, function
name and ARN, memory, remaining time), so a handler that logs its context or
checks its remaining time behaves as it would on Lambda.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

DEFAULT_TIMEOUT_SECONDS = 60  # chalice's default lambda_timeout


@dataclass
class LambdaContext:
    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"local/[{self.function_version}]{self.aws_request_id[:8]}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
