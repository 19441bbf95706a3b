"""Key builders for the single table. Every key string is made here and only here.

See docs/data-model.md for the access patterns these serve.
"""
from __future__ import annotations

import hashlib
from datetime import date

PRODUCT_SK = "PRODUCT"
CATEGORY_SK = "CATEGORY"
USER_SK = "USER"
IDENTITY_SK = "IDENTITY"
RESERVATION_SK = "RESERVATION"
IDEMPOTENCY_SK = "IDEMPOTENCY"
CATEGORY_TREE = "CATEGORY_TREE"
SKU_PREFIX = "SKU#"
TAG_PREFIX = "TAG#"


def product_pk(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def sku_sk(sku_id: str) -> str:
    return f"{SKU_PREFIX}{sku_id}"


def tag_sk(tag: str) -> str:
    return f"{TAG_PREFIX}{tag}"


def category_pk(category_id: str) -> str:
    return f"CATEGORY#{category_id}"


def category_products(category_id: str) -> str:
    """GSI1 partition: active products of a category, newest first."""
    return f"CATEGORY#{category_id}#PRODUCTS"


def category_skus(category_id: str) -> str:
    """GSI2 partition: SKUs of the category's active products, sorted as the products."""
    return f"CATEGORY#{category_id}#SKUS"


def category_sku_sort(product_id: str, sku_id: str) -> str:
    return f"{product_id}#{sku_id}"


def tag_products(tag: str) -> str:
    """GSI1 partition: active products carrying a tag, newest first."""
    return f"TAG#{tag}#PRODUCTS"


def merchant_products(merchant_id: str) -> str:
    """GSI2 partition: every product of a merchant, whatever its status."""
    return f"MERCHANT#{merchant_id}#PRODUCTS"


def reservation_pk(reservation_id: str) -> str:
    return f"RESERVATION#{reservation_id}"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def identity_pk(provider: str, subject_digest: str) -> str:
    """The subject (an openid) is stored digested: keys show up in traces and errors."""
    return f"IDENTITY#{provider}#{subject_digest}"


def idempotency_pk(scope: str, key: str) -> str:
    return f"IDEMPOTENCY#{scope}#{key}"


# ---- group-buy ----
DEAL_SK = "DEAL"
TEAM_SK = "TEAM"
ORDER_SK = "ORDER"
ACTIVE_DEALS = "DEALS#ACTIVE"
REFUND_FAILED_ORDERS = "ORDERS#REFUND_FAILED"


def deal_pk(deal_id: str) -> str:
    return f"DEAL#{deal_id}"


def deal_stock_sk(sku_id: str) -> str:
    return f"STOCK#{sku_id}"


def deal_buyer_sk(user_id: str) -> str:
    return f"BUYER#{user_id}"


def team_pk(team_id: str) -> str:
    return f"TEAM#{team_id}"


def seat_sk(user_id: str) -> str:
    return f"SEAT#{user_id}"


def deal_open_teams(deal_id: str) -> str:
    """GSI1 partition: a deal's open teams, soonest deadline first."""
    return f"DEAL#{deal_id}#OPEN_TEAMS"


def user_teams(user_id: str) -> str:
    """GSI2 partition: the seats a user took, newest first."""
    return f"USER#{user_id}#SEATS"


def order_pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def user_orders(user_id: str) -> str:
    """GSI1 partition: a user's orders, newest first."""
    return f"USER#{user_id}#ORDERS"


# ---- points ----
# The account, its lots and its pending earnings share the ``ACCOUNT`` prefix so one
# Query reads everything the customer's points page shows; entries sort apart.
ACCOUNT_SK = "ACCOUNT"
LOT_PREFIX = "ACCOUNT#LOT#"
PENDING_PREFIX = "ACCOUNT#PENDING#"
POST_DAY_PREFIX = "POSTDAY#"
SOURCE_SK = "SOURCE"
ENTRY_PREFIX = "ENTRY#"
RULES_PK = "CONFIG#POINTS_RULES"
RULES_SK = "RULES"
# Scheduled jobs find their work through sparse GSI1/GSI2 partitions, sharded so no
# single index partition takes every write of a busy day.
POINTS_SHARDS = 8


def points_shard(user_id: str) -> int:
    # A stable hash (not Python's salted hash()): the shard must not change between processes.
    return int.from_bytes(hashlib.blake2b(user_id.encode(), digest_size=2).digest(), "big") % POINTS_SHARDS


def pending_due_bucket(release_day: date, shard: int) -> str:
    """GSI1 partition: pending earnings released on that (UTC) day; sort key release time."""
    return f"POINTS_PENDING#{release_day.isoformat()}#{shard}"


def lots_expiring_bucket(expires_on: date, shard: int) -> str:
    """GSI1 partition: lots with that expiry date; sort key the user."""
    return f"POINTS_LOTS#{expires_on.isoformat()}#{shard}"


def points_accounts_bucket(shard: int) -> str:
    """GSI2 partition: every points account (for tiers and RFM segments)."""
    return f"POINTS_ACCOUNTS#{shard}"


def post_day_sk(day: date) -> str:
    """Counts a user's rewarded posts on one (China) day, for the daily cap."""
    return f"{POST_DAY_PREFIX}{day.isoformat()}"


def points_pk(user_id: str) -> str:
    """A user's points partition: account, entries (newest last), lots, pending earnings."""
    return f"POINTS#{user_id}"


def entry_sk(entry_id: str) -> str:
    return f"{ENTRY_PREFIX}{entry_id}"


def lot_sk(expires_on: date) -> str:
    """One lot per expiry date: key order is spending order (oldest first)."""
    return f"{LOT_PREFIX}{expires_on.isoformat()}"


def pending_sk(release_at: str, source: str) -> str:
    return f"{PENDING_PREFIX}{release_at}#{source}"


def source_pk(user_id: str, source: str) -> str:
    """Guards a posting's source: written with attribute_not_exists, so it posts once."""
    return f"POINTS_SOURCE#{user_id}#{source}"


# ---- points mall ----
MALL_ITEM_SK = "MALL_ITEM"
MALL_REDEMPTION_SK = "MALL_REDEMPTION"
MALL_ACTIVE_ITEMS = "MALL_ITEMS#ACTIVE"


def mall_item_pk(item_id: str) -> str:
    return f"MALL#{item_id}"


def mall_redemption_pk(redemption_id: str) -> str:
    return f"MALL_REDEMPTION#{redemption_id}"


def user_mall_redemptions(user_id: str) -> str:
    """GSI1 partition: a user's mall redemptions, newest first."""
    return f"USER#{user_id}#MALL_REDEMPTIONS"


# ---- content feeds (种草) ----
POST_SK = "POST"
PROFILE_SK = "PROFILE"
LINK_PREFIX = "LINK#"
LIKE_PREFIX = "LIKE#"
COMMENT_PREFIX = "COMMENT#"
REPORT_PREFIX = "REPORT#"
DECISION_PREFIX = "DECISION#"
FEED_ENTRY_PREFIX = "ENTRY#"
FEED_PULLS_SK = "PULLS"  # sorts after every ENTRY#: a newest-first Query meets it first
FOLLOWING_PREFIX = "FOLLOWING#"
WORD_PREFIX = "WORD#"
MODERATION_QUEUE = "POSTS#REVIEW"
DISCOVER = "POSTS#DISCOVER"
MODERATION_WORDS_PK = "CONFIG#MODERATION_WORDS"


def post_pk(post_id: str) -> str:
    """A post's partition: the post, its product links, likes, comments, reports, decisions."""
    return f"POST#{post_id}"


def post_link_sk(product_id: str) -> str:
    return f"{LINK_PREFIX}{product_id}"


def like_sk(user_id: str) -> str:
    return f"{LIKE_PREFIX}{user_id}"


def comment_sk(comment_id: str) -> str:
    return f"{COMMENT_PREFIX}{comment_id}"


def report_sk(user_id: str) -> str:
    return f"{REPORT_PREFIX}{user_id}"


def decision_sk(decision_id: str) -> str:
    return f"{DECISION_PREFIX}{decision_id}"


def feed_position(published_at: str, post_id: str) -> str:
    """Newest-first order of every feed: publication time, then id."""
    return f"{published_at}#{post_id}"


def author_posts(author_id: str) -> str:
    """GSI1 partition: an author's visible posts, by feed position."""
    return f"AUTHOR#{author_id}#POSTS"


def product_posts(product_id: str) -> str:
    """GSI1 partition: visible posts linking a product (its link items), by feed position."""
    return f"PRODUCT#{product_id}#POSTS"


def feed_pk(user_id: str) -> str:
    """A reader's following feed: entries pushed at publication, and the big authors to pull."""
    return f"FEED#{user_id}"


def feed_entry_sk(position: str) -> str:
    return f"{FEED_ENTRY_PREFIX}{position}"


def follow_pk(follower_id: str) -> str:
    return f"FOLLOW#{follower_id}"


def following_sk(author_id: str) -> str:
    return f"{FOLLOWING_PREFIX}{author_id}"


def author_followers(author_id: str) -> str:
    """GSI1 partition: an author's followers (the fan-out's reading list)."""
    return f"USER#{author_id}#FOLLOWERS"


def purchases_pk(user_id: str) -> str:
    """Products a user has paid for (reviews show "verified purchase")."""
    return f"PURCHASES#{user_id}"


def purchase_sk(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def word_sk(word: str) -> str:
    return f"{WORD_PREFIX}{word}"


def mall_redeemer_sk(user_id: str) -> str:
    """A user's count of one mall item redeemed: the per-user limit's counter."""
    return f"REDEEMER#{user_id}"


def purchase_order_sk(order_id: str) -> str:
    """Guards a paid order's purchase count: put with the +1, deleted with the −1."""
    return f"ORDER#{order_id}"
