"""A Wait on a timestamp never wakes before it in the emulator (patches moto 5.2.5, pinned).

moto's TimestampPath/Timestamp wait sleeps ``int(timestamp - now)`` seconds: rounded down, so
a timer woke up to a second before its deadline and its task, which checks the instant ("time
decides"), had to refuse and be retried. Step Functions waits until the timestamp; rounding
up does the same here, so a timer's state transitions are what they would be on AWS.
"""
from __future__ import annotations

import datetime
import math

from moto.stepfunctions.parser.asl.component.state.wait.wait_function import timestamp as moto_timestamp
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp

_original = Timestamp._get_wait_seconds


def _get_wait_seconds(self: Timestamp, env) -> int:
    self.string.eval(env=env)
    timestamp_str: str = env.stack.pop()
    timestamp = self._from_timestamp_string(timestamp=timestamp_str)
    if timestamp is None:
        raise moto_timestamp.FailureEventException(self._create_failure_event(env, timestamp_str))
    # moto parses the timestamp as naive UTC (and compared it with local time: wrong off UTC).
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return max(0, math.ceil((timestamp - now).total_seconds()))


def install() -> None:
    Timestamp._get_wait_seconds = _get_wait_seconds  # type: ignore[method-assign]


def uninstall() -> None:
    Timestamp._get_wait_seconds = _original  # type: ignore[method-assign]
