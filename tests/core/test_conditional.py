"""core.table.conditional: one conditional write, answered applied or refused, in one request."""
from __future__ import annotations

import pytest
from pynamodb.exceptions import UpdateError

from chalicelib.catalog.models import CategoryItem
from chalicelib.core.table.conditional import applied, delete_if, put_if, update_if
from chalicelib.core.table.models import TableItem


def _category(name: str = "Fruit") -> CategoryItem:
    return CategoryItem("CATEGORY#c1", "CATEGORY", category_id="c1", name=name)


def test_put_if_absent_applies_once_and_each_is_one_request(emulator):
    emulator.clear_log()
    assert put_if(_category(), TableItem.PK.does_not_exist()) is True
    assert put_if(_category("Veg"), TableItem.PK.does_not_exist()) is False
    assert emulator.dynamodb_counts() == {"PutItem": 2}
    assert CategoryItem.get("CATEGORY#c1", "CATEGORY").name == "Fruit"


def test_update_if_refreshes_the_item_when_applied_and_leaves_it_when_refused(emulator):
    _category().save()
    item = CategoryItem("CATEGORY#c1", "CATEGORY")
    emulator.clear_log()
    assert update_if(item, [CategoryItem.name.set("Veg")], CategoryItem.name == "Fruit") is True
    assert item.name == "Veg"  # as the write left it
    assert update_if(CategoryItem("CATEGORY#c1", "CATEGORY"), [CategoryItem.name.set("Nuts")],
                     CategoryItem.name == "Fruit") is False
    assert emulator.dynamodb_counts() == {"UpdateItem": 2}
    assert CategoryItem.get("CATEGORY#c1", "CATEGORY").name == "Veg"


def test_delete_if_present(emulator):
    _category().save()
    assert delete_if(CategoryItem("CATEGORY#c1", "CATEGORY"), TableItem.PK.exists()) is True
    assert delete_if(CategoryItem("CATEGORY#c1", "CATEGORY"), TableItem.PK.exists()) is False


def test_other_failures_are_raised_as_they_came():
    def fails():
        raise UpdateError("throttled")  # no ConditionalCheckFailedException as its cause

    with pytest.raises(UpdateError):
        applied(fails)
    with pytest.raises(KeyError):
        applied(lambda: {}["x"])
