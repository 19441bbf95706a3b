"""LocalOutbox: both ports in memory for `make dev` and tests, logged with ids only."""
from __future__ import annotations

import logging
import threading

from chalicelib.adapters.events import DomainEvent, Notification
from chalicelib.adapters.local_outbox import LocalOutbox
from chalicelib.core.observability import logger

EVENT = DomainEvent("TeamSucceeded", "team-1", {"amount": 3990, "leader_name": "Alice Wang"}, "team-1:succeeded")
NOTE = Notification("user-7", "team_succeeded", {"thing1": "Alice Wang's team"}, "pages/team/index?id=team-1")


def test_events_and_notifications_are_recorded_in_order_until_cleared() -> None:
    outbox = LocalOutbox()
    second = DomainEvent("TeamFailed", "team-2", idempotency_key="team-2:failed")
    outbox.publish([EVENT, second])
    outbox.notify(NOTE)
    assert outbox.events() == [EVENT, second]
    assert outbox.notifications() == [NOTE]
    outbox.events().clear()  # a copy: callers cannot edit the record
    assert len(outbox.events()) == 2
    outbox.clear()
    assert outbox.events() == [] and outbox.notifications() == []


def test_many_threads_lose_nothing() -> None:
    outbox = LocalOutbox()
    threads_count, per_thread = 16, 50
    start = threading.Barrier(threads_count)

    def work(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            outbox.publish([DomainEvent("TeamSucceeded", f"team-{n}-{i}", idempotency_key=f"{n}-{i}")])
            outbox.notify(Notification(f"user-{n}-{i}", "team_succeeded"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({e.idempotency_key for e in outbox.events()}) == threads_count * per_thread
    assert len({n.user_id for n in outbox.notifications()}) == threads_count * per_thread


def test_one_log_line_per_item_with_ids_and_no_personal_data(caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="tuanstack")
    logger.setLevel("DEBUG")
    try:
        outbox = LocalOutbox()
        outbox.publish([EVENT])
        outbox.notify(NOTE)
    finally:
        logger.setLevel("WARNING")
    lines = [logger.registered_formatter.format(record) for record in caplog.records]
    assert len(lines) == 2
    assert '"subject_id":"team-1"' in lines[0] and '"idempotency_key":"team-1:succeeded"' in lines[0]
    assert '"user_id":"user-7"' in lines[1] and '"template":"team_succeeded"' in lines[1]
    assert not [line for line in lines if "Alice" in line]
