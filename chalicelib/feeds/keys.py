"""Content-feed keys: posts and their links, likes, comments, reports, decisions; feeds, follows,
purchases (verified reviews), the moderation word list."""
from __future__ import annotations

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




def word_sk(word: str) -> str:
    return f"{WORD_PREFIX}{word}"
