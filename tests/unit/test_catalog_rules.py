"""Catalog rules: tags, media, attributes, stock quantities, status transitions."""
from dataclasses import replace

import pytest

from chalicelib.catalog.rules import (
    MAX_ATTRIBUTES,
    MAX_MEDIA,
    MAX_STOCK,
    MAX_TAGS,
    Media,
    MediaKind,
    Product,
    ProductStatus,
    SkuAttribute,
    change_status,
    clean_attributes,
    clean_media,
    clean_reserve_quantity,
    clean_stock_delta,
    clean_stock_quantity,
    clean_tags,
    clean_text,
)
from chalicelib.core.errors import ErrorCode, ValidationFailed


# ---------- tags ----------
def test_clean_tags_normalises_case_and_whitespace_and_keeps_order():
    assert clean_tags(["  Summer ", "Fruit", "ECO-friendly", "snake_case"]) == (
        "summer", "fruit", "eco-friendly", "snake_case",
    )


def test_clean_tags_removes_duplicates_after_normalising():
    assert clean_tags(["summer", "Summer", " SUMMER", "fruit", "summer"]) == ("summer", "fruit")


def test_clean_tags_accepts_chinese():
    assert clean_tags(["夏天", "绿色-环保", "露营_装备", "水果2024"]) == ("夏天", "绿色-环保", "露营_装备", "水果2024")


def test_clean_tags_accepts_empty_list_and_exactly_the_maximum():
    assert clean_tags([]) == ()
    tags = [f"t{i}" for i in range(MAX_TAGS)]
    assert clean_tags(tags) == tuple(tags)


def test_clean_tags_refuses_too_many():
    with pytest.raises(ValidationFailed) as caught:
        clean_tags([f"t{i}" for i in range(MAX_TAGS + 1)])
    assert caught.value.field == ("tags",)
    assert caught.value.code is ErrorCode.INVALID


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "two words", "semi;colon", "a!", "<script>", "x" * 25, "夏天！", "emoji🍉", "a/b", "a.b", "tab\there"],
)
def test_clean_tags_refuses_bad_characters_and_lengths(bad):
    with pytest.raises(ValidationFailed) as caught:
        clean_tags(["ok", bad])
    assert caught.value.field == ("tags", "1")


def test_clean_tags_uses_the_field_it_is_given():
    with pytest.raises(ValidationFailed) as caught:
        clean_tags(["bad tag"], "tag")
    assert caught.value.field == ("tag", "0")


def test_clean_tags_24_characters_is_the_longest():
    assert clean_tags(["x" * 24]) == ("x" * 24,)


# ---------- media ----------
def test_clean_media_accepts_https_up_to_the_maximum():
    media = [Media(f"https://img.example.cn/{i}.jpg") for i in range(MAX_MEDIA)]
    assert clean_media(media) == tuple(media)
    assert clean_media([Media("https://v.example.cn/a.mp4", MediaKind.VIDEO)])[0].kind is MediaKind.VIDEO


def test_clean_media_refuses_more_than_the_maximum():
    with pytest.raises(ValidationFailed) as caught:
        clean_media([Media(f"https://img.example.cn/{i}.jpg") for i in range(MAX_MEDIA + 1)])
    assert caught.value.field == ("media",)


@pytest.mark.parametrize(
    "url", ["http://img.example.cn/a.jpg", "ftp://x/a.jpg", "javascript:alert(1)", "//img.example.cn/a.jpg",
            "img.example.cn/a.jpg", "", "   ", "data:image/png;base64,AAAA"],
)
def test_clean_media_refuses_anything_but_https(url):
    with pytest.raises(ValidationFailed) as caught:
        clean_media([Media("https://ok.example.cn/a.jpg"), Media(url)])
    assert caught.value.field == ("media", "1", "url")


def test_clean_media_refuses_overlong_urls():
    with pytest.raises(ValidationFailed):
        clean_media([Media("https://x.cn/" + "a" * 2048)])


def test_clean_media_returns_the_cleaned_urls():
    # Validation strips the URL before checking it; what is kept must be what was checked
    # (as clean_tags and clean_attributes do), not the raw text with its whitespace.
    cleaned = clean_media([Media("  https://img.example.cn/a.jpg \n")])
    assert cleaned == (Media("https://img.example.cn/a.jpg"),)


# ---------- attributes ----------
def test_clean_attributes_strips_and_keeps_order():
    assert clean_attributes([SkuAttribute(" colour ", " red "), SkuAttribute("size", "L")], "attributes") == (
        SkuAttribute("colour", "red"), SkuAttribute("size", "L"),
    )


def test_clean_attributes_refuses_duplicate_names():
    with pytest.raises(ValidationFailed) as caught:
        clean_attributes([SkuAttribute("size", "L"), SkuAttribute("colour", "red"), SkuAttribute("size", "M")],
                         "skus.0.attributes")
    assert caught.value.field == ("skus", "0", "attributes", "2", "name")


def test_clean_attributes_duplicates_are_detected_after_stripping():
    with pytest.raises(ValidationFailed) as caught:
        clean_attributes([SkuAttribute("size", "L"), SkuAttribute(" size ", "M")], "attributes")
    assert caught.value.field == ("attributes", "1", "name")


def test_clean_attributes_maximum():
    five = [SkuAttribute(f"a{i}", "v") for i in range(MAX_ATTRIBUTES)]
    assert len(clean_attributes(five, "attributes")) == MAX_ATTRIBUTES
    with pytest.raises(ValidationFailed) as caught:
        clean_attributes([*five, SkuAttribute("extra", "v")], "attributes")
    assert caught.value.field == ("attributes",)


@pytest.mark.parametrize("attr,field", [
    (SkuAttribute("", "red"), ("attributes", "0", "name")),
    (SkuAttribute("colour", "  "), ("attributes", "0", "value")),
    (SkuAttribute("n" * 33, "v"), ("attributes", "0", "name")),
    (SkuAttribute("n", "v" * 65), ("attributes", "0", "value")),
])
def test_clean_attributes_refuses_empty_or_long_parts(attr, field):
    with pytest.raises(ValidationFailed) as caught:
        clean_attributes([attr], "attributes")
    assert caught.value.field == field


# ---------- text and quantities ----------
def test_clean_text():
    assert clean_text("  芒果 Mango  ", "name", max_length=10) == "芒果 Mango"
    assert clean_text("", "description", max_length=5, required=False) == ""
    for bad in ("", "   ", None, 5):
        with pytest.raises(ValidationFailed) as caught:
            clean_text(bad, "name", max_length=10)
        assert caught.value.field == ("name",)
    with pytest.raises(ValidationFailed):
        clean_text("x" * 11, "name", max_length=10)


def test_stock_quantities():
    assert clean_stock_quantity(0, "q") == 0
    assert clean_stock_quantity(MAX_STOCK, "q") == MAX_STOCK
    for bad in (-1, MAX_STOCK + 1, 1.0, True):
        with pytest.raises(ValidationFailed):
            clean_stock_quantity(bad, "q")
    assert clean_stock_delta(-5, "delta") == -5
    with pytest.raises(ValidationFailed, match="zero"):
        clean_stock_delta(0, "delta")
    assert clean_reserve_quantity(1) == 1
    for bad in (0, -1, 2.0):
        with pytest.raises(ValidationFailed):
            clean_reserve_quantity(bad)


# ---------- status ----------
def _product(status=ProductStatus.DRAFT, sku_ids=("01HZZZZZZZZZZZZZZZZZZZZZZZ",)):
    return Product(id="P", merchant_id="M", category_id="C", name="Mango", status=status, sku_ids=sku_ids)


@pytest.mark.parametrize("start,target", [
    (ProductStatus.DRAFT, ProductStatus.ACTIVE),
    (ProductStatus.DRAFT, ProductStatus.ARCHIVED),
    (ProductStatus.ACTIVE, ProductStatus.DRAFT),
    (ProductStatus.ACTIVE, ProductStatus.ARCHIVED),
])
def test_allowed_transitions(start, target):
    product = _product(start)
    changed = change_status(product, target)
    assert changed.status is target
    assert replace(changed, status=start) == product  # nothing else changed
    assert product.status is start  # immutable


@pytest.mark.parametrize("target", [ProductStatus.DRAFT, ProductStatus.ACTIVE])
def test_archived_is_terminal(target):
    with pytest.raises(ValidationFailed) as caught:
        change_status(_product(ProductStatus.ARCHIVED), target)
    assert caught.value.field == ("status",)


@pytest.mark.parametrize("status", list(ProductStatus))
def test_same_status_is_a_no_op(status):
    product = _product(status)
    assert change_status(product, status) is product


def test_active_needs_at_least_one_sku():
    with pytest.raises(ValidationFailed) as caught:
        change_status(_product(ProductStatus.DRAFT, sku_ids=()), ProductStatus.ACTIVE)
    assert caught.value.field == ("status",)
    assert "SKU" in caught.value.message


def test_a_product_without_skus_can_still_be_archived():
    assert change_status(_product(ProductStatus.DRAFT, sku_ids=()), ProductStatus.ARCHIVED).status is ProductStatus.ARCHIVED


def test_only_active_products_are_visible_to_customers():
    assert [s for s in ProductStatus if _product(s).is_visible_to_customers] == [ProductStatus.ACTIVE]
