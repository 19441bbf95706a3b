"""The sensitive-word screen: the corpus, the evasions it must see through, the honest
text it must leave alone, the way back to the original text, and properties.

Pure: no table, no emulator (conftest starts one at import anyway; the per-test table
reset is switched off below)."""
from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import ValidationFailed
from chalicelib.feeds import screen as moderation
from chalicelib.feeds.readings import normalise
from chalicelib.feeds.screen import Hit, WordList

CORPUS = Path(__file__).parent / "moderation_corpus"


def _corpus_lines(name: str) -> list[str]:
    # split("\n"), not splitlines(): some lines hold characters splitlines() would cut at.
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line.strip() and not line.startswith("#")]


WORDS = _corpus_lines("words.txt")
EVASIVE = [tuple(line.split("\t")) for line in _corpus_lines("evasive.txt")]
CLEAN = _corpus_lines("clean.txt")
WORD_LIST = WordList(WORDS)

CJK_WORDS = [w for w in WORD_LIST.words if all("\u4e00" <= c <= "\u9fff" for c in w)]
LATIN_WORDS = [w for w in WORD_LIST.words if w.isascii() and w.isalpha()]  # single words, no phrases

# Characters that fold to a CJK letter of a listed word (Kangxi radicals, compatibility ideographs).
CJK_LOOKALIKES = {
    "人": "⼈", "子": "⼦", "心": "⼼", "支": "⽀", "日": "⽇", "白": "⽩", "网": "⽹", "高": "⾼", "黑": "⿊",
    "洛": "\uf915", "六": "\uf9d1", "易": "\uf9e0", "器": "\ufa38", "海": "\ufa45", "彩": "\ufa84",
    "丸": "\U0002f801", "博": "\U0002f82e",
}
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufe0f", "\u0336", "\u3164"]
SEPARATORS = [" ", "\u3000", "\u00a0", "\t", "*", ".", "-", "_", "/", "|", "~", "·", "、", "，", "。", "！", "…",
              "【", "】", "＊", "～", "🙂", "❤️", "🔥", "👍🏽", "💩", "✨", "♥", "★", "$", "@", "#", "%", "'", '"']


@pytest.fixture(autouse=True, scope="module")
def table():
    """Overrides conftest's per-test table reset: nothing here touches DynamoDB."""
    yield


def _words(hits: list[Hit]) -> set[str]:
    return {hit.word for hit in hits}


@pytest.mark.parametrize("module", ["screen", "readings"])
def test_the_screen_imports_nothing_from_aws_storage_or_graphql(module):
    path = Path(moderation.__file__).with_name(f"{module}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    outside, ours = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            outside.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module_name = node.module or ""
            if module_name.startswith("chalicelib."):
                ours.add(module_name)
            else:
                outside.add(module_name.split(".")[0])
    assert outside <= {"__future__", "re", "unicodedata", "collections", "dataclasses", "functools", "ahocorasick"}
    assert ours <= {"chalicelib.core.errors", "chalicelib.feeds.readings"}


# ---------------------------------------------------------------------------
# The corpus


def test_the_corpus_is_large_and_covers_every_listed_word():
    assert 30 <= len(WORD_LIST) <= 60
    assert len(EVASIVE) >= 200
    assert len(CLEAN) >= 200
    assert {word for word, _ in EVASIVE} == set(WORD_LIST.words)
    assert CJK_WORDS and LATIN_WORDS
    assert any("\u4e00" <= c <= "\u9fff" for line in CLEAN for c in line)
    assert any(line.isascii() for line in CLEAN)


@pytest.mark.parametrize(("word", "line"), EVASIVE, ids=[f"evasive-{i}" for i in range(len(EVASIVE))])
def test_every_evasive_line_is_caught_naming_its_word(word, line):
    hits = WORD_LIST.screen(line)
    assert word in _words(hits), f"{line!r} slipped through: {hits}"
    for hit in hits:
        # The span is the whole evasion: that part of the text alone is caught as the word.
        assert hit.word in _words(WordList([hit.word]).screen(hit.matched(line))), hit


@pytest.mark.parametrize("line", CLEAN, ids=[f"clean-{i}" for i in range(len(CLEAN))])
def test_every_clean_line_passes(line):
    result = WORD_LIST.check(line)
    assert result.hits == (), [(hit.word, hit.matched(line)) for hit in result.hits]
    assert result.passed and result.reason is None


# ---------------------------------------------------------------------------
# Evasions and near misses, named


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("傻 逼", "傻逼"),
        ("傻*逼", "傻逼"),
        ("傻\u200d逼", "傻逼"),  # zero-width joiner
        ("傻🙂逼", "傻逼"),
        ("Ｆｕｃｋ", "fuck"),
        ("f.u.c.k", "fuck"),
        ("F u C k", "fuck"),
        ("s_h_i_t", "shit"),
        ("what a f u c k up", "fuck"),  # the sentence's own "a" joins the spelled-out run
        ("sh\u200bit happens", "shit"),  # zero-width space inside a word
        ("f\u00aduck", "fuck"),  # soft hyphen
        ("s\u0336h\u0336i\u0336t\u0336", "shit"),  # combining strike-through
        ("fück", "fuck"),
        ("𝐟𝐮𝐜𝐤 this", "fuck"),
        ("ⓕⓤⓒⓚ this", "fuck"),
        ("sh*it", "shit"),  # glued by a visible separator, no space
        ("bull-shit", "shit"),  # a listed word inside a hyphenated compound
        ("这个shit真烂", "shit"),  # Latin word against CJK characters
        ("⽩痴", "白痴"),  # Kangxi radical
        ("加ＶＸ", "加vx"),
        ("加 v.x 看图", "加vx"),
    ],
)
def test_evasions_are_caught(text, word):
    assert word in _words(WORD_LIST.screen(text))


@pytest.mark.parametrize(
    "text",
    ["this hit", "class", "assess", "passage", "Scunthorpe", "bass", "Assam tea", "shiitake", "glass, mass",
     "the mass is 5 kg", "I passed", "as s", "sh it"],
)
def test_listed_latin_words_inside_honest_words_pass(text):
    assert WordList(["shit", "ass"]).screen(text) == []


def test_a_word_cut_into_multi_letter_pieces_by_spaces_is_not_read_as_one():
    # The documented limit: "fu ck" cannot be told apart from two honest words ("this hit").
    assert WordList(["fuck"]).screen("fu ck") == []


@pytest.mark.parametrize(("text", "caught"), [
    ("sh1t", True), ("m0ron", True), ("h3r0in", True), ("b00bs", True),
    ("Galaxy A55", False), ("a55", False), ("5hit", False), ("mp3", False), ("4k", False), ("sh111t", False),
])
def test_lookalike_digits_count_only_between_letters(text, caught):
    hits = WordList(["shit", "moron", "heroin", "boobs", "ass", "mpe", "ak"]).screen(text)
    assert bool(hits) is caught, hits


@pytest.mark.parametrize(("text", "caught"), [
    ("\u0455h\u0456t", True),  # Cyrillic ѕ and і among Latin letters
    ("a\u0455\u0455", True),
    ("\u0430\u0441\u0441", False),  # all Cyrillic: a Russian word, left alone
    ("\u0441\u043e\u043a", False),
])
def test_lookalike_letters_count_only_in_words_that_mix_scripts(text, caught):
    assert bool(WordList(["shit", "ass", "ack", "cok"]).screen(text)) is caught


@pytest.mark.parametrize(("text", "caught"), [
    ("buy a fake ID here", True), ("FAKE-ID", True), ("fake I.D.", True), ("fake\nid", True),
    ("no fake idea", False), ("fake identity", False), ("the fake is my id", False),
])
def test_a_listed_phrase_matches_whole_words_in_a_row(text, caught):
    assert bool(WordList(["fake id"]).screen(text)) is caught


def test_cjk_words_are_read_across_separators_and_broken_by_latin_letters():
    # The price of seeing through "傻，逼": an honest sentence with a comma in that place is
    # flagged too. Latin letters and digits between CJK characters are content, not filler.
    word_list = WordList(["傻逼"])
    assert _words(word_list.screen("他不傻，逼得太紧了")) == {"傻逼"}
    assert word_list.screen("傻B逼") == []
    assert word_list.screen("傻1逼") == []


# ---------------------------------------------------------------------------
# Spans and the way back to the original text


@pytest.mark.parametrize(
    ("text", "word", "matched"),
    [
        ("买家说：你个傻*逼，滚", "傻逼", "傻*逼"),
        ("this is F.u.C.k!", "fuck", "F.u.C.k"),
        ("ＯＫ Ｆｕｃｋ ＯＫ", "fuck", "Ｆｕｃｋ"),
        ("ﬁne, shit", "shit", "shit"),  # a ligature before the word folds to two letters
        ("x\u200by\u200bz shit", "shit", "shit"),  # removed characters before the word
        ("ßß 傻 逼", "傻逼", "傻 逼"),  # ß folds to "ss"
        ("𠮷野家的 Ｓ－Ｈ－Ｉ－Ｔ 外卖", "shit", "Ｓ－Ｈ－Ｉ－Ｔ"),  # a character outside the BMP before it
        ("what a f u c k up", "fuck", "f u c k"),
        ("bull-shit", "shit", "shit"),
        ("加 V X", "加vx", "加 V X"),
    ],
)
def test_a_hit_spans_the_original_text_of_the_evasion(text, word, matched):
    hits = [hit for hit in WORD_LIST.screen(text) if hit.word == word]
    assert [hit.matched(text) for hit in hits] == [matched]
    assert text[hits[0].start : hits[0].end] == matched


def test_every_occurrence_is_reported_in_the_order_it_starts():
    text = "scam! 傻逼 and S.C.A.M again, 傻 逼"
    hits = WORD_LIST.screen(text)
    assert [(hit.word, hit.matched(text)) for hit in hits] == [
        ("scam", "scam"), ("傻逼", "傻逼"), ("scam", "S.C.A.M"), ("傻逼", "傻 逼"),
    ]


def test_normalise_keeps_where_each_character_came_from():
    normalised = normalise("Ｆ.u  傻 *逼")
    assert normalised.text == " fu 傻逼"
    assert list(normalised.joined.origins) == [-1, 0, 2, -1, 5, 8]
    assert normalised.joined.original_span(0, 4) == (0, 3)  # " fu " -> "Ｆ.u"
    assert normalised.joined.original_span(4, 6) == (5, 9)  # "傻逼" -> "傻 *逼"
    assert normalised.split.text == " f u 傻逼"
    assert [run.text for run in normalised.letter_runs] == ["fu"]


# ---------------------------------------------------------------------------
# The list itself


def test_an_empty_word_list_screens_nothing():
    empty = WordList([])
    assert len(empty) == 0
    assert empty.screen("傻逼 fuck s h i t") == []
    assert empty.check("傻逼").passed


def test_listed_words_are_normalised_like_the_text():
    word_list = WordList(["傻 逼", "f.u.c.k", "Ｓ ｈ ｉ ｔ", " 加 微 信 ", "Fake-I.D."])
    assert word_list.words == ("傻 逼", "f.u.c.k", "Ｓ ｈ ｉ ｔ", "加 微 信", "Fake-I.D.")
    assert _words(word_list.screen("傻逼")) == {"傻 逼"}
    assert _words(word_list.screen("fuck")) == {"f.u.c.k"}
    assert _words(word_list.screen("shit")) == {"Ｓ ｈ ｉ ｔ"}
    assert _words(word_list.screen("请加微信")) == {"加 微 信"}
    assert _words(word_list.screen("a fakeid")) == {"Fake-I.D."}


@pytest.mark.parametrize("word", ["", "   ", "***", "\u200b", "🙂🙂", "，。"])
def test_a_word_without_letters_is_refused(word):
    with pytest.raises(ValidationFailed):
        WordList(["scam", word])


def test_a_word_listed_twice_is_kept_once():
    word_list = WordList(["傻逼", "傻 逼", "SHIT", "shit", " shit ", "ｓｈｉｔ"])
    assert word_list.words == ("傻逼", "SHIT")
    assert [hit.word for hit in word_list.screen("傻逼 shit")] == ["傻逼", "SHIT"]


def test_the_reason_names_each_word_once_and_only_a_few():
    assert WORD_LIST.check("傻逼").reason == "contains a banned word: 傻逼"
    assert WORD_LIST.check("傻逼, scam, 傻 逼").reason == "contains banned words: 傻逼, scam"
    many = "傻逼 白痴 脑残 滚蛋 贱人 骗子 假币"
    assert WORD_LIST.check(many).reason == "contains banned words: 傻逼, 白痴, 脑残, 滚蛋, 贱人 and 2 more"


# ---------------------------------------------------------------------------
# Large inputs


def test_a_megabyte_post_is_screened_whole():
    filler = "\n".join(CLEAN)
    middle = filler * (500_000 // len(filler) + 1)
    text = middle + "卖家是骗-子" + middle + " s.h.i.t"
    assert len(text) > 1_000_000
    hits = WORD_LIST.screen(text)
    assert [(hit.word, hit.matched(text)) for hit in hits] == [("骗子", "骗-子"), ("shit", "s.h.i.t")]
    assert hits[0].start == len(middle) + 3


def test_long_runs_of_single_letters_and_of_separators_are_screened():
    letters = " ".join("ab" * 100_000)
    assert WORD_LIST.screen(letters) == []
    spelled = letters + " f u c k"
    assert [hit.matched(spelled) for hit in WORD_LIST.screen(spelled)] == ["f u c k"]
    separated = "傻" + "。" * 200_000 + "逼"
    assert [(hit.start, hit.end) for hit in WORD_LIST.screen(separated)] == [(0, len(separated))]
    choppy = "好，" * 200_000 + "a-b-" * 100_000
    assert WORD_LIST.screen(choppy) == []


# ---------------------------------------------------------------------------
# Properties

PROPERTY = settings(max_examples=200, deadline=None)


def _no_letters_after_folding(char: str) -> bool:
    return not any(c.isalnum() for c in unicodedata.normalize("NFKC", char))


separators = st.sampled_from(SEPARATORS) | st.characters(
    categories=["Zs", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"]
).filter(_no_letters_after_folding)
invisibles = st.sampled_from(INVISIBLES)


def _strings_of(pieces: st.SearchStrategy[str], min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[str]:
    # Not st.text: some separators (an emoji with its variation selector or skin tone) are several characters.
    return st.lists(pieces, min_size=min_size, max_size=max_size).map("".join)


FULL_WIDTH_OFFSET = 0xFEE0


def _full_width(char: str) -> str:
    return chr(ord(char) + FULL_WIDTH_OFFSET) if "!" <= char <= "~" else char


def _math_bold(char: str) -> str:
    return chr(0x1D41A + ord(char) - ord("a")) if "a" <= char <= "z" else char


def _circled(char: str) -> str:
    return chr(0x24D0 + ord(char) - ord("a")) if "a" <= char <= "z" else char


letter_styles = st.sampled_from([
    str.lower, str.upper, _full_width, lambda c: _full_width(c.upper()), _math_bold, _circled,
])


def _spell(data: st.DataObject, chars: list[str], gap: st.SearchStrategy[str]) -> str:
    """The characters in order with a drawn gap between every two of them."""
    gaps = data.draw(st.lists(gap, min_size=len(chars) - 1, max_size=len(chars) - 1))
    return chars[0] + "".join(between + char for between, char in zip(gaps, chars[1:], strict=True))


def _assert_caught(word: str, text: str, start: int, end: int) -> None:
    hits = WORD_LIST.screen(text)
    assert Hit(word, start, end) in hits, (text, [(hit.word, hit.start, hit.end) for hit in hits])


@PROPERTY
@given(
    word=st.sampled_from(CJK_WORDS),
    data=st.data(),
    before=st.sampled_from(["", "这家店", "客服说：", "hello ", "OK"]),
    after=st.sampled_from(["", "，别买", "!", " bye", "了"]),
)
def test_separators_inside_a_cjk_word_never_hide_it(word, data, before, after):
    chars = [CJK_LOOKALIKES[c] if c in CJK_LOOKALIKES and data.draw(st.booleans()) else c for c in word]
    evasion = _spell(data, chars, _strings_of(separators | invisibles, max_size=4))
    _assert_caught(word, before + evasion + after, len(before), len(before) + len(evasion))


@PROPERTY
@given(
    word=st.sampled_from(LATIN_WORDS),
    data=st.data(),
    before=st.sampled_from(["", "what a ", "I said ", "这个", "a b ", "OK, "]),
    after=st.sampled_from(["", " now", "真烂", "!", " x y"]),
)
def test_a_latin_word_spelled_out_letter_by_letter_never_hides(word, data, before, after):
    # Between every two letters at least one visible separator, possibly wrapped in invisible ones.
    gap = st.tuples(_strings_of(invisibles, max_size=2), _strings_of(separators, min_size=1),
                    _strings_of(invisibles, max_size=2)).map("".join)
    evasion = _spell(data, [data.draw(letter_styles)(c) for c in word], gap)
    _assert_caught(word, before + evasion + after, len(before), len(before) + len(evasion))


@PROPERTY
@given(
    word=st.sampled_from(LATIN_WORDS),
    data=st.data(),
    before=st.sampled_from(["", "what a ", "这个", "OK, "]),
    after=st.sampled_from(["", " now", "真烂", "!"]),
)
def test_invisible_characters_inside_a_latin_word_never_hide_it(word, data, before, after):
    evasion = _spell(data, [data.draw(letter_styles)(c) for c in word], _strings_of(invisibles))
    _assert_caught(word, before + evasion + after, len(before), len(before) + len(evasion))


LISTED_CHARACTERS = frozenset(c for word in WORD_LIST.words for c in normalise(word).text if c != " ")


def _shares_nothing_with_listed_words(char: str) -> bool:
    readings = {unicodedata.normalize(form, char).casefold() for form in ("NFKC", "NFKD")}
    if any(c in LISTED_CHARACTERS for reading in readings for c in reading):
        return False
    return not any(0x0370 <= ord(c) <= 0x052F for c in char)  # Greek and Cyrillic look Latin


@PROPERTY
@given(_strings_of(st.characters().filter(_shares_nothing_with_listed_words) | separators | invisibles, max_size=300))
def test_text_without_any_character_of_a_listed_word_is_never_flagged(text):
    assert WORD_LIST.screen(text) == []


NEAR_MISSES = [
    "this", "hit", "class", "assess", "passage", "bass", "Assam", "scampi", "method", "heroine", "jerky",
    "scrap", "oxymoron", "icon", "artist", "idea", "western", "region", "Scunthorpe", "shiitake", "counter",
    "A55", "mp3", "4k", "傻傻的", "逼真", "刷牙", "假期", "微信支付", "白色", "垃圾袋", "滚筒", "助听器",
    "开发票", "冰箱", "迷你", "水枪", "海边", "原因", "网购", "现货",
]


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(NEAR_MISSES), st.sampled_from([str, str.upper, str.title]),
                          st.sampled_from([" ", ", ", "，", "。", "-", "/", "\n", "！", "🙂", " & "])),
                max_size=40))
def test_near_misses_in_any_order_are_never_flagged(parts):
    text = "".join(style(word) + joiner for word, style, joiner in parts)
    assert WORD_LIST.screen(text) == []


@PROPERTY
@given(st.text(max_size=300))
def test_any_text_is_screened_into_valid_spans_of_listed_words(text):
    for hit in WORD_LIST.screen(text):
        assert hit.word in WORD_LIST.words
        assert 0 <= hit.start < hit.end <= len(text)
