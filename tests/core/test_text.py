"""One line of text people see: control characters, lone surrogates and bidi controls refused."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.text import clean_line, one_line


@pytest.mark.parametrize("bad", ["a\x07b", "a\x1b[31mb", "evil\u202etxt.exe", "a\u2066b", "\ud800", "two\nlines", 5])
def test_what_could_hide_or_reorder_text_is_refused(bad):
    assert one_line(bad) is None
    with pytest.raises(ValidationFailed) as refused:
        clean_line(bad, "title", max_length=20)
    assert refused.value.field == ("title",)


def test_emoji_sequences_and_chinese_pass_trimmed():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # held together by zero-width joiners
    assert clean_line(f"  满99减10 {family} ", "title", max_length=20) == f"满99减10 {family}"


def test_length_is_checked_after_trimming():
    with pytest.raises(ValidationFailed):
        clean_line("   ", "title", max_length=5)
    with pytest.raises(ValidationFailed):
        clean_line("abcdef", "title", max_length=5)
