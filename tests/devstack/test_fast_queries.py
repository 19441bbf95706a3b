"""The emulator's remembered expression tokens and one-partition queries
(devstack/fast_queries.py) answer what moto alone answers."""
from __future__ import annotations

import os

import pytest
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.table import Table

from devstack import fast_queries
from devstack.clients import emulator_client

EXPRESSIONS = [
    "PK = :pk",
    "PK = :pk AND begins_with(SK, :prefix)",
    "PK = :pk AND SK BETWEEN :low AND :high",
    "#n >= :v OR (attribute_not_exists(#m.deep[0]) AND NOT size(s) < :v)",
    "attribute_exists(PK) AND n IN (:a, :b, :c) AND contains(ss, :x)",
    "a.b.c <> :v AND attribute_type(m, :t)",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_an_expression_lexes_into_the_tokens_moto_makes(expression):
    parser = ConditionExpressionParser(expression, None, None)
    assert list(fast_queries._lex_condition_expression(parser)) == list(fast_queries._original_lex(parser))


def test_each_expression_string_is_lexed_once_and_one_that_does_not_lex_is_refused_every_time():
    expression = "PK = :pk AND SK > :remembered"
    parser = ConditionExpressionParser(expression, None, None)
    before = fast_queries._tokens.cache_info()
    first = fast_queries._lex_condition_expression(parser)
    again = fast_queries._lex_condition_expression(parser)
    after = fast_queries._tokens.cache_info()
    assert first == again and first is not again  # each request gets its own deque to consume
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    for _ in range(2):
        with pytest.raises(ValueError, match="Cannot parse condition"):
            fast_queries._lex_condition_expression(ConditionExpressionParser("PK = :pk AND ~", None, None))


def _items() -> list[dict]:
    items = []
    for partition in ("FASTQ#1", "FASTQ#2", "FASTQ#3"):
        for n, sk in enumerate(["A", "B#1", "B#2", "B#3", "C", "D#x", "b"]):
            items.append({"PK": {"S": partition}, "SK": {"S": sk}, "n": {"N": str(n * 7 % 5)},
                          "GSI1PK": {"S": f"G#{n % 2}"}, "GSI1SK": {"S": f"{partition}#{sk}"},
                          "m": {"M": {"deep": {"L": [{"S": sk}]}}}})
    return items


def _reads(ddb, table: str) -> list:
    """Every kind of query the product makes, and a few it does not, with the
    condition checks that lex their expressions: each answer."""
    pk = {":pk": {"S": "FASTQ#2"}}
    queries = [
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk, "ScanIndexForward": False},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk, "Limit": 2},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk, "Limit": 3,
         "ExclusiveStartKey": {"PK": {"S": "FASTQ#2"}, "SK": {"S": "B#2"}}},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk, "Limit": 2, "ScanIndexForward": False,
         "ExclusiveStartKey": {"PK": {"S": "FASTQ#2"}, "SK": {"S": "C"}}},
        {"KeyConditionExpression": "PK = :pk AND begins_with(SK, :b)",
         "ExpressionAttributeValues": {**pk, ":b": {"S": "B#"}}},
        {"KeyConditionExpression": "PK = :pk AND SK BETWEEN :low AND :high",
         "ExpressionAttributeValues": {**pk, ":low": {"S": "B#2"}, ":high": {"S": "D"}}},
        {"KeyConditionExpression": "PK = :pk AND SK > :low", "ExpressionAttributeValues": {**pk, ":low": {"S": "B"}}},
        {"KeyConditionExpression": "PK = :pk AND SK <= :high", "ExpressionAttributeValues": {**pk, ":high": {"S": "C"}}},
        {"KeyConditionExpression": "PK = :pk", "FilterExpression": "n >= :two AND attribute_exists(m.deep[0])",
         "ExpressionAttributeValues": {**pk, ":two": {"N": "2"}}},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk, "ProjectionExpression": "SK, m.deep"},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": pk, "Select": "COUNT"},
        {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": {"S": "FASTQ#none"}}},
        {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :g", "ExpressionAttributeValues": {":g": {"S": "G#1"}}},
        {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :g AND begins_with(GSI1SK, :p)",
         "ExpressionAttributeValues": {":g": {"S": "G#0"}, ":p": {"S": "FASTQ#3"}}, "Limit": 2},
    ]
    answers: list = []
    for query in queries:
        answer = ddb.query(TableName=table, ConsistentRead="IndexName" not in query, **query)
        answers.append({k: v for k, v in answer.items() if k != "ResponseMetadata"})
    key = {"PK": {"S": "FASTQ#1"}, "SK": {"S": "C"}}
    for condition in ("attribute_exists(PK) AND n < :big", "n > :big", "attribute_not_exists(PK)"):
        try:
            ddb.update_item(TableName=table, Key=key, UpdateExpression="SET touched = :big",
                            ConditionExpression=condition, ExpressionAttributeValues={":big": {"N": "9"}})
        except ddb.exceptions.ConditionalCheckFailedException:
            answers.append((condition, "failed"))
        else:
            answers.append((condition, ddb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]))
    return answers


def test_queries_and_conditions_answer_what_moto_alone_answers(emulator, monkeypatch):
    ddb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    table = os.environ["TUANSTACK_TABLE"]
    for item in _items():
        ddb.put_item(TableName=table, Item=item)
    fast = _reads(ddb, table)
    monkeypatch.setattr(Table, "query", fast_queries._original_query)
    monkeypatch.setattr(ConditionExpressionParser, "_lex_condition_expression", fast_queries._original_lex)
    for item in _items():  # the conditional update above changed one; start both ways alike
        ddb.put_item(TableName=table, Item=item)
    moto_alone = _reads(ddb, table)
    assert fast == moto_alone
    assert (fast[0]["Count"], fast[2]["Count"], fast[-1]) == (7, 2, ("attribute_not_exists(PK)", "failed"))


def test_a_query_on_the_table_reads_only_its_partition(emulator, monkeypatch):
    ddb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    table = os.environ["TUANSTACK_TABLE"]
    for item in _items():
        ddb.put_item(TableName=table, Item=item)

    def whole_table(self):
        raise AssertionError("a query on the table went through every item")

    monkeypatch.setattr(Table, "all_items", whole_table)
    answer = ddb.query(TableName=table, KeyConditionExpression="PK = :pk",
                       ExpressionAttributeValues={":pk": {"S": "FASTQ#3"}})
    assert [item["SK"]["S"] for item in answer["Items"]] == ["A", "B#1", "B#2", "B#3", "C", "D#x", "b"]


def test_the_emulator_lexes_a_condition_it_has_seen_from_memory(emulator):
    ddb = emulator_client("dynamodb", emulator.endpoint_url, os.environ["AWS_REGION"])
    table = os.environ["TUANSTACK_TABLE"]
    before = fast_queries._tokens.cache_info().hits
    for sk in ("1", "2"):
        ddb.put_item(TableName=table, Item={"PK": {"S": "FASTQ#lexed"}, "SK": {"S": sk}},
                     ConditionExpression="attribute_not_exists(PK) AND attribute_not_exists(#remembered)",
                     ExpressionAttributeNames={"#remembered": "remembered"})
    assert fast_queries._tokens.cache_info().hits > before
