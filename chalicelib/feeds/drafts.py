"""What an author writes, checked and cleaned before a post is made: text, media
(https on public hosts, the upload CDN when configured), linked products and tags.
Pure rules, like rules.py."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from chalicelib.catalog.published.rules import Media, MediaKind
from chalicelib.core.errors import (
    InvalidId,
    ValidationFailed,
)
from chalicelib.core.ids import is_id
from chalicelib.core.media import clean_media_url, media_hosts_of
from chalicelib.feeds.rules import (
    MAX_BODY_LENGTH,
    MAX_IMAGES,
    MAX_PRODUCTS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_TITLE_LENGTH,
    MAX_VIDEOS,
    PostContent,
    PostDraft,
    PostKind,
    clean_text,
)

_TAG = re.compile(r"^[\w-]+$")  # \w is Unicode: letters of any script (中文), digits, '_'


# ---------------------------------------------------------------- media
def clean_post_media(kind: PostKind, media: Sequence[Media], field: str = "media",
                     media_hosts: Iterable[str] | None = None) -> tuple[Media, ...]:
    """Up to 9 images or exactly one video, never both. A NOTE carries images only;
    a VIDEO exactly its one video; a REVIEW either (buyer-show videos convert best)."""
    hosts = None if media_hosts is None else media_hosts_of(media_hosts)
    if len(media) > MAX_IMAGES:
        raise ValidationFailed(f"at most {MAX_IMAGES} images", field)
    cleaned = []
    for i, item in enumerate(media):
        if not isinstance(item, Media) or not isinstance(item.kind, MediaKind):
            raise ValidationFailed("not a media item", f"{field}.{i}")
        cleaned.append(Media(clean_media_url(item.url, f"{field}.{i}.url", hosts), item.kind))
    videos = sum(1 for m in cleaned if m.kind is MediaKind.VIDEO)
    images = len(cleaned) - videos
    if videos > MAX_VIDEOS:
        raise ValidationFailed(f"at most {MAX_VIDEOS} video", field)
    if videos and images:
        raise ValidationFailed("a post carries images or a video, not both", field)
    if kind is PostKind.NOTE and videos:
        raise ValidationFailed("a note carries images; post a video as kind VIDEO", field)
    if kind is PostKind.VIDEO and videos != 1:
        raise ValidationFailed("a video post carries its video", field)
    return tuple(cleaned)


# ---------------------------------------------------------------- products and tags
def clean_product_ids(product_ids: Sequence[str], field: str = "productIds") -> tuple[str, ...]:
    """Deduplicated, first occurrence kept; at most MAX_PRODUCTS distinct ids."""
    cleaned: list[str] = []
    for i, product_id in enumerate(product_ids):
        if not isinstance(product_id, str) or not is_id(product_id):
            raise InvalidId("not a product id", f"{field}.{i}")
        if product_id not in cleaned:
            cleaned.append(product_id)
    if len(cleaned) > MAX_PRODUCTS:
        raise ValidationFailed(f"at most {MAX_PRODUCTS} linked products", field)
    return tuple(cleaned)


def normalise_tag(tag: str) -> str:
    """``#Ｌｉｐｓｔｉｃｋ#`` → ``lipstick``: NFKC (full-width to half-width), surrounding
    whitespace and '#' removed (both ends: Weibo-style #话题# is common), casefolded."""
    return unicodedata.normalize("NFKC", tag).strip().strip("#").strip().casefold()


def clean_post_tags(tags: Sequence[str], field: str = "tags") -> tuple[str, ...]:
    cleaned: list[str] = []
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise ValidationFailed("must be text", f"{field}.{i}")
        tag = normalise_tag(tag)
        if not tag or len(tag) > MAX_TAG_LENGTH or not _TAG.match(tag):
            raise ValidationFailed(f"a tag is 1-{MAX_TAG_LENGTH} letters, digits, '-' or '_'", f"{field}.{i}")
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(f"at most {MAX_TAGS} tags", field)
    return tuple(cleaned)


def validate_post(draft: PostDraft, *, media_hosts: Iterable[str] | None = None) -> PostContent:
    """The cleaned content of a draft, or the first ValidationFailed with its field."""
    if not isinstance(draft.kind, PostKind):
        raise ValidationFailed("not a post kind", "kind")
    title = None
    if draft.title is not None:
        title = clean_text(draft.title, "title", max_length=MAX_TITLE_LENGTH, required=False, multiline=False) or None
    body = clean_text(draft.body, "body", max_length=MAX_BODY_LENGTH, required=True, multiline=True)
    media = clean_post_media(draft.kind, draft.media, media_hosts=media_hosts)
    product_ids = clean_product_ids(draft.product_ids)
    # A review is of exactly one product, so its verified-purchase badge and its
    # place in that product's feed mean one thing.
    if draft.kind is PostKind.REVIEW and len(product_ids) != 1:
        raise ValidationFailed("a review is of exactly one product", "productIds")
    tags = clean_post_tags(draft.tags)
    if not isinstance(draft.sponsored, bool):
        raise ValidationFailed("must be true or false", "sponsored")
    return PostContent(draft.kind, body, title, media, product_ids, tags, draft.sponsored)


