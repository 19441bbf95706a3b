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


def test_journaled_writes_replay_onto_the_snapshot_and_a_torn_last_line_is_skipped(
        emulator, clients, table_name, region, tmp_path) -> None:
    """Applied writes (conditional updates and transactions included) are journaled
    in the order they applied; refused ones are not; replaying them onto the snapshot
    gives the same items."""
    import json

    import pytest
    from botocore.exceptions import ClientError

    from devstack.state import Journal, JournalingApp, new_journal_name, restore

    create_resources(emulator.endpoint_url, table_name=table_name)
    clients.dynamodb.put_item(TableName=table_name, Item={"PK": {"S": "stock"}, "SK": {"S": "A"}, "n": {"N": "5"}})
    path = tmp_path / "state.json"
    name = new_journal_name(path)
    save_items(emulator.endpoint_url, region, table_name, path, payments={"payments": {}, "refunds": {}},
               journal=name)
    journal = Journal(tmp_path / name)
    journaling = JournalingApp(emulator.dynamodb.app)
    journaling.journal = journal
    emulator.dynamodb.app = journaling
    try:
        decrement = {"TableName": table_name, "Key": {"PK": {"S": "stock"}, "SK": {"S": "A"}},
                     "UpdateExpression": "ADD n :minus", "ConditionExpression": "n >= :one",
                     "ExpressionAttributeValues": {":minus": {"N": "-1"}, ":one": {"N": "1"}}}
        for _ in range(2):
            clients.dynamodb.update_item(**decrement)
        clients.dynamodb.transact_write_items(TransactItems=[
            {"Update": decrement},
            {"Put": {"TableName": table_name, "Item": {"PK": {"S": "order"}, "SK": {"S": "1"}, "b": {"B": b"\x00\xff"}}}},
        ])
        with pytest.raises(ClientError):  # refused: not journaled
            clients.dynamodb.put_item(TableName=table_name, Item={"PK": {"S": "order"}, "SK": {"S": "1"}},
                                      ConditionExpression="attribute_not_exists(PK)")
        clients.dynamodb.delete_item(TableName=table_name, Key={"PK": {"S": "order"}, "SK": {"S": "1"}})
        clients.dynamodb.put_item(TableName=table_name, Item={"PK": {"S": "order"}, "SK": {"S": "2"}})
        journal.append({"simulated_payments": {"payments": {"o": {"amount": 1}}, "refunds": {}}})
    finally:
        emulator.dynamodb.app = journaling.app
        journal.close()
    lines = (tmp_path / name).read_text().splitlines()
    assert [json.loads(line).get("op") for line in lines] == [
        "UpdateItem", "UpdateItem", "TransactWriteItems", "DeleteItem", "PutItem", None]
    with open(tmp_path / name, "a") as torn:
        torn.write('{"op": "PutItem", "request": {"TableName"')  # the process died mid-line

    # the journal replays onto the table its requests name: restore under the same name
    expected = sorted(clients.dynamodb.scan(TableName=table_name)["Items"], key=lambda item: item["PK"]["S"])
    clients.dynamodb.delete_table(TableName=table_name)
    create_resources(emulator.endpoint_url, table_name=table_name)
    restored = restore(emulator.endpoint_url, region, table_name, path)
    assert (restored.items, restored.writes) == (1, 5)
    assert restored.payments == {"payments": {"o": {"amount": 1}}, "refunds": {}}
    assert sorted(clients.dynamodb.scan(TableName=table_name)["Items"], key=lambda item: item["PK"]["S"]) == expected
    assert {"PK": {"S": "stock"}, "SK": {"S": "A"}, "n": {"N": "2"}} in expected
