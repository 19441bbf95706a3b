"""Concurrent writes to one address book, against the serialised emulator.

A pass means something only because the emulator applies each request atomically
(devstack/emulator.py): the header's ``count < 20`` and ``default_id`` conditions, not
the reads before them, keep the book at most 20 with exactly one default.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from chalicelib.addresses import service, store
from chalicelib.addresses.rules import MAX_ADDRESSES, AddressBookFull
from tests.addresses.support import ALICE, NOW, fields
from tests.conftest import fresh_table

ADDERS = 30
REPEATS = 3


def _race(workers: list[Callable[[], str]]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    unexpected: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], str]) -> None:
        start.wait()
        try:
            outcome = work()
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's outcome
            with lock:
                unexpected.append(error)
            return
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not unexpected, unexpected
    return outcomes


def _add(n: int) -> Callable[[], str]:
    def work() -> str:
        try:
            service.add_address(ALICE, fields(n), False, NOW)
        except AddressBookFull:
            return "full"
        return "added"
    return work


def _assert_one_default_and_count_true() -> store.Book:
    book = store.read_book(ALICE.user_id, consistent=True)
    assert book.count == len(book.addresses)
    assert [a.id for a in book.addresses if a.is_default] == ([book.default_id] if book.addresses else [])
    return book


def test_30_adders_to_an_empty_book_make_exactly_20_with_exactly_one_default():
    for _ in range(REPEATS):
        fresh_table()
        outcomes = _race([_add(n) for n in range(ADDERS)])
        assert outcomes == {"added": MAX_ADDRESSES, "full": ADDERS - MAX_ADDRESSES}
        assert len(_assert_one_default_and_count_true().addresses) == MAX_ADDRESSES


def test_removing_every_address_while_adding_keeps_exactly_one_default_whenever_non_empty():
    for _ in range(REPEATS):
        fresh_table()
        existing = [service.add_address(ALICE, fields(n), False, NOW).id for n in range(8)]

        def remove(address_id: str) -> Callable[[], str]:
            return lambda: (service.remove_address(ALICE, address_id), "removed")[1]

        outcomes = _race([remove(a) for a in existing] + [_add(100 + n) for n in range(8)])
        assert outcomes == {"removed": 8, "added": 8}
        book = _assert_one_default_and_count_true()
        assert len(book.addresses) == 8 and not set(existing) & {a.id for a in book.addresses}
