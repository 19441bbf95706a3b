"""Items survive a save and a load into an empty table, binary attributes included."""
from __future__ import annotations

from devstack.resources import create_resources
from devstack.state import load_items, save_items


def test_items_round_trip_through_the_state_file(emulator, clients, table_name, region, tmp_path) -> None:
    create_resources(emulator.endpoint_url, table_name=table_name)
    items = [
        {"PK": {"S": f"P#{n}"}, "SK": {"S": "A"}, "blob": {"B": bytes([n, 255])},
         "tags": {"SS": ["a", "b"]}, "nested": {"M": {"bin": {"B": b"\x01"}, "list": {"L": [{"N": str(n)}]}}}}
        for n in range(30)  # more than one BatchWriteItem
    ]
    for item in items:
        clients.dynamodb.put_item(TableName=table_name, Item=item)
    path = tmp_path / "state.json"
    assert save_items(emulator.endpoint_url, region, table_name, path) == 30

    other = table_name + "-restored"
    create_resources(emulator.endpoint_url, table_name=other)
    assert load_items(emulator.endpoint_url, region, other, path) == 30
    restored = clients.dynamodb.scan(TableName=other)["Items"]
    assert sorted(restored, key=lambda item: item["PK"]["S"]) == sorted(items, key=lambda item: item["PK"]["S"])
