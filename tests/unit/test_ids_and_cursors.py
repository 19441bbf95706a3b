"""Relay global ids and signed cursors."""
import base64
import json

import pytest

from chalicelib.core.errors import ErrorCode, InvalidCursor, InvalidId
from chalicelib.core.graphql.cursors import decode_cursor, encode_cursor
from chalicelib.core.graphql.ids import from_global_id, parse_global_id, to_global_id
from chalicelib.core.ids import is_id, new_id


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ---------- ids ----------
def test_new_ids_are_ulids_and_sort_by_creation():
    ids = [new_id() for _ in range(50)]
    assert all(is_id(i) for i in ids)
    assert len(set(ids)) == 50
    assert not is_id("not-a-ulid") and not is_id(ids[0].lower()) and not is_id(ids[0] + "A")


def test_global_id_round_trip():
    product_id, sku_id = new_id(), new_id()
    gid = to_global_id("Product", product_id)
    assert from_global_id(gid, "Product") == (product_id,)
    assert parse_global_id(gid) == ("Product", (product_id,))
    sku = to_global_id("Sku", product_id, sku_id)
    assert from_global_id(sku, "Sku") == (product_id, sku_id)


def test_global_ids_are_opaque_url_safe_and_unpadded():
    gid = to_global_id("Sku", new_id(), new_id())
    assert "=" not in gid and "+" not in gid and "/" not in gid
    assert ":" not in gid


def test_wrong_type_is_invalid_id_with_the_field():
    gid = to_global_id("Category", new_id())
    with pytest.raises(InvalidId) as caught:
        from_global_id(gid, "Product", "productId")
    assert caught.value.code is ErrorCode.INVALID_ID
    assert caught.value.field == ("productId",)
    assert "Category" in caught.value.message


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "garbage",
        "!!!!",
        "产品",
        "%%%%%%",
        "a",  # one base64 character cannot decode
        _b64(b"garbage"),  # decodes, but no type and parts
        _b64(b"Product"),
        _b64(b"Product:"),
        _b64(b":" + new_id().encode()),
        _b64(b"Product:not-a-ulid"),
        _b64(b"Product:" + new_id().lower().encode()),
        _b64(b"Product:" + new_id().encode() + b":"),  # empty second part
        _b64(b"Product:" + new_id().encode() + b"x"),
        _b64(b"\xff\xfe\xfd:" + new_id().encode()),  # not UTF-8
        _b64(b"Product: " + new_id().encode()),
    ],
    ids=repr,
)
def test_garbage_is_invalid_id(garbage):
    with pytest.raises(InvalidId) as caught:
        from_global_id(garbage, "Product")
    assert caught.value.field == ("id",)
    with pytest.raises(InvalidId):
        parse_global_id(garbage, "nodeId")


def test_an_id_of_the_right_type_with_a_bad_second_part_is_invalid():
    with pytest.raises(InvalidId):
        from_global_id(_b64(f"Sku:{new_id()}:nope".encode()), "Sku")


# ---------- cursors ----------
def _split(cursor: str) -> tuple[bytes, str]:
    body, _, signature = cursor.partition(".")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), signature


def test_cursor_round_trip():
    position = new_id()
    cursor = encode_cursor("category:C1", position)
    assert decode_cursor("category:C1", cursor) == position


def test_cursors_are_deterministic_and_differ_by_scope_and_position():
    a = encode_cursor("category:C1", "P1")
    assert a == encode_cursor("category:C1", "P1")
    assert a != encode_cursor("category:C2", "P1")
    assert a != encode_cursor("category:C1", "P2")


def test_cursor_from_another_scope_is_refused():
    cursor = encode_cursor("category:C1", new_id())
    with pytest.raises(InvalidCursor) as caught:
        decode_cursor("category:C2", cursor)
    assert caught.value.code is ErrorCode.INVALID_CURSOR
    assert caught.value.field == ("after",)
    with pytest.raises(InvalidCursor):
        decode_cursor("tag:summer", cursor)


def test_edited_payload_with_the_old_signature_is_refused():
    cursor = encode_cursor("category:C1", "01J00000000000000000000000")
    payload, signature = _split(cursor)
    scope, _ = json.loads(payload)
    forged = json.dumps([scope, "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"], separators=(",", ":")).encode()
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", f"{_b64(forged)}.{signature}")
    # the same with another scope spliced in
    other = json.dumps(["category:C2", "01J00000000000000000000000"], separators=(",", ":")).encode()
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C2", f"{_b64(other)}.{signature}")


def test_edited_signature_is_refused():
    cursor = encode_cursor("category:C1", new_id())
    body, _, signature = cursor.partition(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 1
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", f"{body}.{_b64(bytes(raw))}")
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", body)  # signature removed
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", f"{body}.")
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", f"{body}.{signature}{signature}")


def test_unsigned_cursor_is_refused():
    payload = json.dumps(["category:C1", new_id()]).encode()
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", _b64(payload))


@pytest.mark.parametrize("garbage", ["abc", ".", "..", "a.b", "游标", "%%%.%%%", "=", "x" * 500, "null.null"], ids=repr)
def test_garbage_cursor_is_refused(garbage):
    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", garbage, "after")


@pytest.mark.parametrize("payload", [b"null", b"[1]", b"[\"a\",\"b\",\"c\"]", b"{}", b"not json", b"[\"category:C1\",5]"])
def test_correctly_signed_but_malformed_payload_is_refused(payload):
    # Only the server can sign; still, a malformed payload must be a clean error, not a crash.
    from chalicelib.core.graphql.cursors import _sign

    with pytest.raises(InvalidCursor):
        decode_cursor("category:C1", f"{_b64(payload)}.{_b64(_sign(payload))}")
