"""Types and words a code generator can use, for the points, mall and feeds
features: every instant is a DateTime (never a String, whatever its format), and
every argument, input field and enum value carries a description (the doc comment
a generated client shows). The features' types are named here; a type added to a
feature belongs in its list."""
from __future__ import annotations

import re

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)

from chalicelib.export_schema import sdl

POINTS_TYPES = ["PointsAccount", "PointsEntry", "PointsEntryKind", "PendingPoints", "ExpiringPoints", "Tier",
                "PointsRules", "PointsSegment", "CheckInOutcome", "CheckInPayload", "AdjustPointsInput",
                "AdjustPointsPayload", "TierInput", "UpdatePointsRulesInput", "PointsRulesPayload"]
MALL_TYPES = ["MallItem", "MallItemKind", "MallCoupon", "MallRedemption", "MallRedemptionState", "MallItemConnection",
              "MallRedemptionConnection", "MallCouponInput", "CreateMallItemInput", "MallCouponChangesInput",
              "UpdateMallItemInput", "RedeemMallItemInput", "MallItemPayload", "RedeemMallItemPayload"]
FEEDS_TYPES = ["Post", "PostKind", "PostState", "PostProduct", "ReportReason", "ModerationAction", "ModerationActor",
               "ModerationDecision", "Comment", "CommentConnection", "PostConnection", "Author", "PostMediaInput",
               "PublishPostInput", "EditPostInput", "PostIdInput", "AuthorIdInput", "CommentInput",
               "DeleteCommentInput", "ReportPostInput", "ModeratePostInput", "ModerationWordAction",
               "ModerationWordInput", "PostPayload", "LikePayload", "CommentPayload", "DeletedPayload",
               "ReportPayload", "FollowPayload", "ModerationWord", "ModerationWordPayload",
               "ModerationWordConnection"]
PROMOTION_TYPES = ["Promotion", "PromotionTier", "PromotionTierInput", "CreatePromotionInput", "EndPromotionInput",
                   "PromotionPayload"]
OUR_TYPES = POINTS_TYPES + MALL_TYPES + FEEDS_TYPES + PROMOTION_TYPES
# The features' fields on the root types and on other features' types.
OUR_FIELDS = {
    "Query": ["pointsRules", "pointsAccount", "mallItems", "mallItem", "post", "followingFeed", "discoverFeed",
              "productPosts", "author", "reviewQueue", "moderationWords", "promotions"],
    "Mutation": ["checkIn", "adjustPoints", "updatePointsRules", "createMallItem", "updateMallItem",
                 "redeemMallItem", "publishPost", "editPost", "deletePost", "likePost", "unlikePost", "sharePost",
                 "commentOnPost", "deleteComment", "reportPost", "followAuthor", "unfollowAuthor", "approvePost",
                 "rejectPost", "removePost", "addModerationWord", "removeModerationWord", "createPromotion",
                 "endPromotion"],
    "User": ["points", "mallRedemptions"],
    "Product": ["posts", "promotions"],
}
# A field named like a moment holds an instant (or, for `on` and `day`, a calendar date).
INSTANT_NAME = re.compile(r"(At|Time|Until|Since)$")
DATE_NAMES = {"on", "day"}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(sdl())


def _fields(schema: GraphQLSchema):
    """(owner, field name, field) for every field of our types and our fields on others."""
    for name in OUR_TYPES:
        kind = schema.get_type(name)
        assert kind is not None, f"{name} is not in the schema: update the lists"
        if isinstance(kind, GraphQLObjectType | GraphQLInputObjectType):
            yield from ((name, field_name, field) for field_name, field in kind.fields.items())
    for owner, names in OUR_FIELDS.items():
        fields = schema.get_type(owner).fields
        yield from ((owner, field_name, fields[field_name]) for field_name in names)


def test_every_instant_is_a_date_time_and_every_day_a_date(schema):
    wrong = []
    for owner, name, field in _fields(schema):
        type_name = get_named_type(field.type).name
        if INSTANT_NAME.search(name) and type_name != "DateTime":
            wrong.append(f"{owner}.{name}: {type_name}")
        if name in DATE_NAMES and type_name != "Date":
            wrong.append(f"{owner}.{name}: {type_name}")
    assert wrong == []


def test_no_string_field_of_ours_holds_a_timestamp(schema):
    """Whatever a field is named, a String must not be an instant: the known ones by name."""
    for owner, name in [("PointsEntry", "createdAt"), ("PendingPoints", "availableAt"),
                        ("ModerationWord", "addedAt"), ("ModerationDecision", "at"), ("MallItem", "createdAt"),
                        ("MallItem", "updatedAt"), ("MallRedemption", "couponExpiresAt"), ("Post", "publishedAt")]:
        assert get_named_type(schema.get_type(owner).fields[name].type).name == "DateTime", (owner, name)


def test_every_argument_input_field_and_enum_value_is_described(schema):
    missing = []
    for owner, name, field in _fields(schema):
        if isinstance(schema.get_type(owner), GraphQLInputObjectType):
            if not field.description:
                missing.append(f"{owner}.{name}")
            continue
        missing += [f"{owner}.{name}({arg_name})" for arg_name, arg in field.args.items() if not arg.description]
    for name in OUR_TYPES:
        kind = schema.get_type(name)
        if isinstance(kind, GraphQLEnumType):
            if not kind.description:
                missing.append(name)
            missing += [f"{name}.{value_name}" for value_name, value in kind.values.items() if not value.description]
    assert missing == []


def test_closed_sets_are_enums_and_money_is_money(schema):
    assert get_named_type(schema.get_type("PointsAccount").fields["segment"].type).name == "PointsSegment"
    rules = schema.get_type("PointsRules").fields
    assert get_named_type(rules["spendPerPoint"].type).name == "Money"
    assert get_named_type(rules["redeemValuePerUnit"].type).name == "Money"
    assert rules["fenPerPoint"].deprecation_reason and rules["redeemFenPerUnit"].deprecation_reason
    points_type = schema.get_type("PointsAccount").fields["available"].type
    assert get_named_type(points_type).name == "Int"  # points are not money


def test_instants_and_segments_read_through_graphql(gql, operator, customer):
    """The values behind the types: every instant parses as an aware ISO 8601 DateTime,
    the stored lower-case segment reads as its enum value."""
    from datetime import datetime

    from chalicelib.core.clock import utc_now
    from chalicelib.core.graphql.ids import from_global_id
    from chalicelib.points import jobs_store

    gql("""mutation { checkIn { errors { code } } }""", token=customer)
    (user_id,) = from_global_id(gql("{ me { id } }", token=customer)["data"]["me"]["id"], "User")
    jobs_store.record_standing(jobs_store.standing(user_id), "bronze", "churn_warning", utc_now())
    gql("""mutation { addModerationWord(input: {word: "刷单"}) { errors { code } } }""", token=operator)

    mine = gql("{ me { points { ledger(first: 1) { edges { node { createdAt } } } } } }", token=customer)
    [entry] = mine["data"]["me"]["points"]["ledger"]["edges"]
    words = gql("{ moderationWords(first: 1) { edges { node { addedAt } } } }", token=operator)
    [word] = words["data"]["moderationWords"]["edges"]
    member = gql("""query($id: ID!) { pointsAccount(userId: $id) { segment } }""",
                 {"id": gql("{ me { id } }", token=customer)["data"]["me"]["id"]}, token=operator)
    assert member["data"]["pointsAccount"]["segment"] == "CHURN_WARNING"
    for moment in (entry["node"]["createdAt"], word["node"]["addedAt"]):
        assert datetime.fromisoformat(moment).tzinfo is not None, moment
