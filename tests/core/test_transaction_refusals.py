"""core.table.transactions: a refused write raises what its builder declared."""
from __future__ import annotations

import pytest

from chalicelib.catalog.models import CategoryItem
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction, TransactionCancelled


class Taken(Exception):
    pass


class Other(Exception):
    pass


def _item(n: int) -> CategoryItem:
    return CategoryItem(f"CATEGORY#c{n}", "CATEGORY", category_id=f"c{n}", name="Fruit")


def _two_puts(*refusals) -> Transaction:
    tx = Transaction()
    for label, refusal, prefix in refusals:
        tx.refuse(label, refusal, prefix=prefix)
    tx.put("first:a", _item(1), TableItem.PK.does_not_exist())
    tx.put("second", _item(2), TableItem.PK.does_not_exist())
    return tx


@pytest.fixture
def both_exist():
    _item(1).save()
    _item(2).save()


def test_the_first_declared_refusal_that_applies_wins(both_exist):
    with pytest.raises(Other):
        _two_puts(("second", Other(), False), ("first", Taken(), True)).commit()
    with pytest.raises(Taken):
        _two_puts(("first:", Taken(), True), ("second", Other(), False)).commit()


def test_a_refusal_can_be_made_from_the_failed_labels(both_exist):
    seen = []

    def explain(failed):
        seen.append(failed)
        return Taken(sorted(failed))

    with pytest.raises(Taken):
        _two_puts(("second", explain, False)).commit()
    assert seen == [frozenset({"first:a", "second"})]


def test_an_undeclared_refusal_names_the_labels_and_a_declared_one_that_did_not_fail_is_ignored():
    _item(1).save()
    with pytest.raises(TransactionCancelled) as cancelled:
        _two_puts(("second", Other(), False)).commit()
    assert cancelled.value.failed == {"first:a"}


def test_nothing_is_raised_when_nothing_is_refused():
    _two_puts(("first:", Taken(), True)).commit()
    assert CategoryItem.get("CATEGORY#c2", "CATEGORY").name == "Fruit"
