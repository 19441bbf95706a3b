"""Media URLs people give us (post images, after-sales photos): https on a public DNS name. Pure."""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from chalicelib.core.errors import ValidationFailed

MAX_MEDIA_URL_LENGTH = 2_048
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
# Names that never resolve on the public internet but often do inside a network (RFC 6761,
# RFC 6762, ICANN's private-use advice): a URL there would make our fetchers reach inward.
PRIVATE_TLDS = frozenset({"local", "localhost", "internal", "intranet", "lan", "home", "corp", "private",
                          "test", "invalid", "example", "onion", "arpa", "localdomain"})


def clean_media_url(url: object, field: str, media_hosts: Iterable[str] | None = None) -> str:
    """An https URL on a public DNS name: no credentials, no port, no IP literal (the
    moderation pipeline fetches these; an IP or a port invites requests to internal
    services). ``media_hosts``, when given, is the allowlist (the upload CDN): a host
    matches itself and its subdomains."""
    if not isinstance(url, str):
        raise ValidationFailed("must be text", field)
    url = url.strip()
    if not url:
        raise ValidationFailed("must not be empty", field)
    if len(url) > MAX_MEDIA_URL_LENGTH:
        raise ValidationFailed(f"must be at most {MAX_MEDIA_URL_LENGTH} characters", field)
    if any(c.isspace() or unicodedata.category(c) == "Cc" for c in url) or not url.isascii():
        raise ValidationFailed("must be an encoded URL without spaces", field)
    if not url.lower().startswith("https://"):
        raise ValidationFailed("media URLs must use https", field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationFailed("not a valid URL", field) from None
    if "@" in parts.netloc:
        raise ValidationFailed("a media URL carries no credentials", field)
    if port is not None or parts.netloc.endswith(":"):
        raise ValidationFailed("a media URL uses the default https port", field)
    host = (parts.hostname or "").rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        raise ValidationFailed("a media URL needs a valid host name", field)
    if labels[-1] in PRIVATE_TLDS:
        raise ValidationFailed("a media URL must be on a public host", field)
    if media_hosts is not None and not any(host == h or host.endswith("." + h) for h in media_hosts_of(media_hosts)):
        raise ValidationFailed("media must be uploaded to the platform first", field)
    return url


def media_hosts_of(media_hosts: Iterable[str]) -> tuple[str, ...]:
    return tuple(h.strip().lower().rstrip(".") for h in media_hosts)


MEDIA_HOSTS_ENV = "TUANSTACK_MEDIA_HOSTS"  # comma-separated upload hosts; unset: any public https host


def configured_media_hosts() -> list[str] | None:
    """The upload hosts media must come from, as deployed; None: any public https host."""
    hosts = [h for h in os.environ.get(MEDIA_HOSTS_ENV, "").split(",") if h.strip()]
    return hosts or None
