"""updateMyProfile: the name and avatar a user picks, as their account and as others see them."""
from __future__ import annotations

UPDATE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  user { id displayName avatarUrl } author { id displayName avatarUrl } errors { code field message } } }"""
ME = "{ me { id displayName avatarUrl } }"
AUTHOR = "query($id: ID!) { author(id: $id) { id displayName avatarUrl } }"
ADD_WORD = """mutation($word: String!) {
  addModerationWord(input: {word: $word, action: BLOCK}) { errors { code } } }"""
AVATAR = "https://thirdwx.qlogo.cn/mmopen/vi_32/alice/132"


def _update(gql, token, **fields):
    return gql(UPDATE, {"input": fields}, token=token)["data"]["updateMyProfile"]


def _author_id(user_id: str) -> str:
    from chalicelib.core.graphql.ids import from_global_id, to_global_id

    return to_global_id("Author", *from_global_id(user_id, "User"))


def test_the_new_name_and_avatar_are_the_account_s_and_what_others_see(gql, customer, merchant):
    result = _update(gql, customer, displayName="  桃子小姐 🍑 ", avatarUrl=AVATAR)
    assert result["errors"] == []
    assert (result["user"]["displayName"], result["user"]["avatarUrl"]) == ("桃子小姐 🍑", AVATAR)
    me = gql(ME, token=customer)["data"]["me"]
    assert me == result["user"]
    author_id = _author_id(me["id"])
    assert result["author"] == {"id": author_id, "displayName": "桃子小姐 🍑", "avatarUrl": AVATAR}
    assert gql(AUTHOR, {"id": author_id}, token=merchant)["data"]["author"] == result["author"]


def test_an_omitted_avatar_is_kept(gql, customer):
    _update(gql, customer, displayName="Peach", avatarUrl=AVATAR)
    result = _update(gql, customer, displayName="Peach 2")
    assert result["errors"] == [] and result["user"]["avatarUrl"] == AVATAR
    assert gql(ME, token=customer)["data"]["me"]["avatarUrl"] == AVATAR


def test_bad_input_is_a_typed_error_and_changes_nothing(gql, customer, operator):
    assert gql(ADD_WORD, {"word": "傻逼"}, token=operator)["data"]["addModerationWord"]["errors"] == []
    before = gql(ME, token=customer)["data"]["me"]
    cases = [
        ({"displayName": "   "}, "REQUIRED", ["displayName"]),
        ({"displayName": "x" * 21}, "INVALID", ["displayName"]),
        ({"displayName": "two\nlines"}, "INVALID", ["displayName"]),
        ({"displayName": "傻*逼"}, "CONTENT_REJECTED", ["displayName"]),  # an evasion of a blocked word
        ({"displayName": "Peach", "avatarUrl": "http://img.example.com/a.png"}, "INVALID", ["avatarUrl"]),
        ({"displayName": "Peach", "avatarUrl": "wxfile://tmp_abc.jpg"}, "INVALID", ["avatarUrl"]),
    ]
    for fields, code, field in cases:
        result = _update(gql, customer, **fields)
        assert result["user"] is None and result["author"] is None, fields
        assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (code, field), result
    assert gql(ME, token=customer)["data"]["me"] == before


def test_signed_out_is_unauthenticated(gql):
    result = _update(gql, None, displayName="Peach")
    assert result["user"] is None and result["errors"][0]["code"] == "UNAUTHENTICATED"


def test_an_update_costs_the_caller_s_read_and_one_update_item(gql, customer, emulator):
    _update(gql, customer, displayName="Peach")  # the word list is read once a minute per container
    emulator.clear_log()
    assert _update(gql, customer, displayName="Peach 2", avatarUrl=AVATAR)["errors"] == []
    # user, author and errors answer from the item the update returned: no read after it.
    assert emulator.dynamodb_counts() == {"GetItem": 1, "UpdateItem": 1}
