"""The display name and avatar rules of the profile form."""
from __future__ import annotations

import pytest

from chalicelib.accounts import rules
from chalicelib.core.errors import ErrorCode, ValidationFailed


def test_a_name_is_trimmed_and_may_be_exactly_the_limit():
    assert rules.clean_display_name("  小明 🍑  ") == "小明 🍑"
    limit = "名" * rules.MAX_DISPLAY_NAME_LENGTH
    assert rules.clean_display_name(f" {limit} ") == limit
    assert rules.clean_display_name("👨\u200d👩\u200d👧 family") == "👨\u200d👩\u200d👧 family"  # ZWJ emoji are names too


@pytest.mark.parametrize(("value", "code"), [
    ("", ErrorCode.REQUIRED),
    ("   \t ", ErrorCode.REQUIRED),
    (None, ErrorCode.REQUIRED),
    ("名" * (rules.MAX_DISPLAY_NAME_LENGTH + 1), ErrorCode.INVALID),
    ("two\nlines", ErrorCode.INVALID),
    ("tab\there", ErrorCode.INVALID),
    ("bell\x07", ErrorCode.INVALID),
    ("c1\x85control", ErrorCode.INVALID),
    ("line\u2028separator", ErrorCode.INVALID),
])
def test_a_bad_name_is_refused_with_its_code_and_field(value, code):
    with pytest.raises(Exception) as refused:
        rules.clean_display_name(value)
    assert (refused.value.code, refused.value.field) == (code, ("displayName",))


def test_an_https_avatar_url_is_kept():
    url = "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132"
    assert rules.clean_avatar_url(f" {url} ") == url


@pytest.mark.parametrize("value", [
    "http://img.example.com/a.png",
    "wxfile://tmp_abc.jpg",  # what wx.chooseAvatar gives before the upload
    "https://",
    "https:///no-host.png",
    "https://img.example.com/a b.png",
    "https://[::1/a.png",
    "https://img.example.com/" + "a" * rules.MAX_AVATAR_URL_LENGTH,
])
def test_an_avatar_that_is_not_an_https_url_is_refused(value):
    with pytest.raises(ValidationFailed) as refused:
        rules.clean_avatar_url(value)
    assert refused.value.field == ("avatarUrl",)


def test_the_readme_states_the_name_length_the_rules_apply():
    from devstack.project import PROJECT_ROOT

    readme = " ".join((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"The name is 1-{rules.MAX_DISPLAY_NAME_LENGTH} characters after trimming" in readme
