"""The address book through the GraphQL API: the owner's book, node(id:) for the owner
only, typed refusals that change nothing, and the DynamoDB requests each operation costs."""
from __future__ import annotations

from tests.conftest import demo_token

ADDRESS = """id recipient mobile maskedMobile provinceCode cityCode districtCode detail label isDefault
  createdAt updatedAt"""
ADD = f"""mutation($input: AddAddressInput!) {{ addAddress(input: $input) {{
  address {{ {ADDRESS} }} errors {{ code field message }} }} }}"""
UPDATE = """mutation($input: UpdateAddressInput!) { updateAddress(input: $input) {
  address { id detail label isDefault } errors { code field message } } }"""
REMOVE = """mutation($id: ID!) { removeAddress(input: {id: $id}) {
  addresses { id isDefault } errors { code field message } } }"""
SET_DEFAULT = """mutation($id: ID!) { setDefaultAddress(input: {id: $id}) {
  addresses { id isDefault } errors { code field message } } }"""
MY_BOOK = "{ me { id addresses { id recipient mobile isDefault } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Address { recipient mobile detail isDefault } } }"
LONE = "bad \ud800 text"


def _input(n: int = 1, **changes) -> dict:
    return {"recipient": f"测试收件人{n}", "mobile": f"+86 138 0000 {n:04d}", "provinceCode": "110000",
            "cityCode": "110100", "districtCode": "110105", "detail": f"测试街{n}号", **changes}


def _add(gql, token: str, n: int = 1, **changes) -> dict:
    payload = gql(ADD, {"input": _input(n, **changes)}, token=token)["data"]["addAddress"]
    assert payload["errors"] == [], payload
    return payload["address"]


def _book(gql, token: str) -> list[dict]:
    return gql(MY_BOOK, token=token)["data"]["me"]["addresses"]


def test_the_owner_adds_reads_updates_defaults_and_removes(gql, customer):
    first = _add(gql, customer, 1, label="家")
    assert first["mobile"] == "13800000001" and first["maskedMobile"] == "138****0001"
    assert first["isDefault"] is True and first["label"] == "家" and first["createdAt"] == first["updatedAt"]
    second = _add(gql, customer, 2)
    assert [(a["id"], a["isDefault"]) for a in _book(gql, customer)] == [(first["id"], True), (second["id"], False)]

    changed = gql(UPDATE, {"input": {"id": second["id"], "detail": "新测试街 9 号", "label": "公司"}},
                  token=customer)["data"]["updateAddress"]
    assert changed == {"address": {"id": second["id"], "detail": "新测试街 9 号", "label": "公司", "isDefault": False},
                       "errors": []}
    defaulted = gql(SET_DEFAULT, {"id": second["id"]}, token=customer)["data"]["setDefaultAddress"]
    assert defaulted["addresses"] == [{"id": second["id"], "isDefault": True}, {"id": first["id"], "isDefault": False}]
    removed = gql(REMOVE, {"id": second["id"]}, token=customer)["data"]["removeAddress"]
    assert removed == {"addresses": [{"id": first["id"], "isDefault": True}], "errors": []}
    assert gql(NODE, {"id": first["id"]}, token=customer)["data"]["node"]["recipient"] == "测试收件人1"


def test_another_users_address_is_null_by_node_and_not_found_by_every_mutation(gql, customer):
    mine = _add(gql, customer, 1)
    bob = demo_token(gql, "bob", "CUSTOMER")
    assert gql(NODE, {"id": mine["id"]}, token=bob)["data"]["node"] is None
    assert gql(NODE, {"id": mine["id"]})["data"]["node"] is None  # signed out
    assert _book(gql, bob) == []
    for mutation, variables, name in (
            (UPDATE, {"input": {"id": mine["id"], "detail": "x"}}, "updateAddress"),
            (REMOVE, {"id": mine["id"]}, "removeAddress"),
            (SET_DEFAULT, {"id": mine["id"]}, "setDefaultAddress")):
        payload = gql(mutation, variables, token=bob)["data"][name]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", ["id"])], name
    assert _book(gql, customer) == [{"id": mine["id"], "recipient": "测试收件人1", "mobile": "13800000001",
                                     "isDefault": True}]


def test_bad_input_is_a_typed_error_with_its_field_and_changes_nothing(gql, customer):
    refusals = {
        "mobile": _input(mobile="12300000000"),
        "provinceCode": _input(provinceCode="990000"),
        "cityCode": _input(cityCode="120100"),
        "districtCode": _input(districtCode="110205"),
        "recipient": _input(recipient="名" * 21),
        "detail": _input(detail=""),
        "label": _input(label="一二三四五六七八九十十"),
    }
    for field, bad in refusals.items():
        payload = gql(ADD, {"input": bad}, token=customer)["data"]["addAddress"]
        assert payload["address"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", [field])], field
    surrogate = gql(ADD, {"input": _input(recipient=LONE)}, token=customer)
    assert surrogate["data"] is None and surrogate["errors"][0]["extensions"]["field"] == ["input", "recipient"]
    wrong_type = gql(REMOVE, {"id": "TWFsbEl0ZW06MDE="}, token=customer)["data"]["removeAddress"]  # a MallItem id
    assert [e["code"] for e in wrong_type["errors"]] == ["INVALID_ID"]
    assert _book(gql, customer) == []


def test_the_21st_address_is_refused_naming_the_limit(gql, customer):
    from chalicelib.addresses import service
    from chalicelib.core.clock import utc_now
    from chalicelib.core.graphql.ids import parse_global_id
    from chalicelib.core.principal import Principal, Role
    from tests.addresses.support import fields

    user_id = gql("{ me { id } }", token=customer)["data"]["me"]["id"]
    owner = Principal(parse_global_id(user_id)[1][0], Role.CUSTOMER)
    for n in range(20):
        service.add_address(owner, fields(n), False, utc_now())
    payload = gql(ADD, {"input": _input(21)}, token=customer)["data"]["addAddress"]
    assert [e["code"] for e in payload["errors"]] == ["LIMIT_REACHED"] and "20" in payload["errors"][0]["message"]
    assert len(_book(gql, customer)) == 20


def test_signed_out_is_unauthenticated(gql):
    payload = gql(ADD, {"input": _input()})["data"]["addAddress"]
    assert [e["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]


def test_request_counts_after_the_caller_read(gql, emulator, customer):
    emulator.clear_log()
    first = _add(gql, customer, 1)
    # the caller (GetItem), the book's header (GetItem), ONE transaction
    assert emulator.dynamodb_counts() == {"GetItem": 2, "TransactWriteItems": 1}
    _add(gql, customer, 2)
    emulator.clear_log()
    assert len(_book(gql, customer)) == 2
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1}
    emulator.clear_log()
    gql(NODE, {"id": first["id"]}, token=customer)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "BatchGetItem": 1}
    emulator.clear_log()
    gql(SET_DEFAULT, {"id": first["id"]}, token=customer)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "TransactWriteItems": 1, "Query": 1}
    emulator.clear_log()
    gql(REMOVE, {"id": first["id"]}, token=customer)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}
