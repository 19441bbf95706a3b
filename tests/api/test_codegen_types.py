"""Types and words a code generator can use, for the catalog, group-buy, orders, checkout and accounts features.

The schema is walked from these features' root fields and node types: every type reached
must be listed below (ours, shared from core, or another feature's, not walked), so a new
type cannot slip past the checks. On what is ours or shared: an instant is a DateTime, an
amount a Money, and every argument, input field and enum value says what it takes.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)

from chalicelib.core.money import CURRENCIES
from chalicelib.schema import schema
from tests.api.catalog_support import create_category, create_product, read_product
from tests.conftest import demo_token

QUERY_FIELDS = {"product", "products", "productsByTag", "categories", "category", "me",
                "deals", "deal", "team", "teamByShareCode", "refundFailedOrders"}
MUTATION_FIELDS = {"loginWithWechat", "createCategory", "createProduct", "updateProduct", "archiveProduct", "addSku",
                   "updateSku", "setStock", "adjustStock", "createDeal", "openTeam", "joinTeam", "payOrder",
                   "cancelSeat", "retryRefund", "addToCart", "updateCartLine", "removeFromCart", "selectCartLines",
                   "placeOrder", "payPayment", "cancelPayment"}
NODE_TYPES = {"Product", "Sku", "Category", "Deal", "Team", "Order", "User", "Cart", "CartLine", "Payment"}

OURS = NODE_TYPES | {
    # after-sales
    "AfterSalesRequestConnection", "AfterSalesRequestEdge", "AfterSalesLine", "AfterSalesStep", "AfterSalesPayload",
    "AfterSalesKind", "AfterSalesReason", "AfterSalesState", "AfterSalesActor", "DisputeDecision",
    "RequestAfterSalesInput", "AfterSalesLineInput", "AfterSalesRequestInput", "AfterSalesReasonInput",
    "SendBackAfterSalesInput", "DecideDisputeInput", "CompensateOrderInput",
    # catalog
    "ProductConnection", "ProductEdge", "ProductPayload", "ProductStatus", "CategoryPayload", "SkuPayload",
    "SkuAttribute", "Stock", "Media", "MediaKind", "PriceRange", "MediaInput", "SkuAttributeInput", "SkuInput",
    "CreateCategoryInput", "CreateProductInput", "UpdateProductInput", "ArchiveProductInput", "AddSkuInput",
    "UpdateSkuInput", "SetStockInput", "AdjustStockInput",
    # group-buy
    "DealConnection", "DealEdge", "DealPayload", "DealPrice", "DealStock", "DealPriceInput", "DealStockInput",
    "CreateDealInput", "TeamConnection", "TeamEdge", "TeamMember", "TeamState", "OrderConnection", "OrderEdge",
    "OrderState", "OrderInput", "OrderPayload", "SeatPayload", "OpenTeamInput", "JoinTeamInput", "PaymentParams",
    "SignType",
    # accounts
    "Role", "LoginPayload", "LoginWithWechatInput",
    # cart
    "CartLineStatus", "CartPayload", "AddToCartInput", "UpdateCartLineInput", "RemoveFromCartInput",
    "SelectCartLinesInput",
    # orders (every kind) and checkout
    "OrderKind", "OrderLine", "ShippingAddress", "PaymentState", "PlaceOrderInput", "PlaceOrderPayload",
    "PaymentInput", "PaymentPayload", "CheckoutInput", "BuyNowInput", "PickupInput", "OrderPickup",
    "OrderAttribution", "OrderSourceInput", "OrderSourceKind", "AttributedSales", "SalesSource",
    # fulfilment
    "Carrier",
}
SHARED = {"Money", "Currency", "PageInfo", "UserError", "ErrorCode", "Node",
          "DateTime", "Date", "ID", "String", "Int", "Boolean"}
# Fields other features add to our types: theirs to describe.
OTHERS_ON_OURS = {("User", "points"), ("User", "mallRedemptions"), ("User", "addresses"), ("User", "coupons"),
                  ("Product", "posts"), ("Product", "promotions"),
                  ("User", "afterSales"), ("User", "afterSalesToDecide"), ("User", "communityRoundsCreated"),
                  ("User", "communityLeader"), ("User", "leadership"), ("User", "commissions"),
                  ("User", "assists"), ("User", "referrals"), ("User", "distributor"), ("User", "distributorLinks"),
                  ("User", "salesBySource")}

INSTANT_NAME = re.compile(r"(At|Until|By)$")
AMOUNT_NAME = re.compile(r"(price|amount|refunded|discount|total)$", re.IGNORECASE)
README = Path(__file__).resolve().parents[2] / "README.md"
RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"


def _graphql_schema():
    return schema()._schema


def _walk() -> tuple[dict[str, object], list[tuple[str, str, object]]]:
    """The named types reached, and every (owner, field name, field) walked."""
    gschema = _graphql_schema()
    reached: dict[str, object] = {}
    fields: list[tuple[str, str, object]] = []
    pending = [gschema.get_type(name) for name in NODE_TYPES]
    for root, wanted in ((gschema.query_type, QUERY_FIELDS), (gschema.mutation_type, MUTATION_FIELDS)):
        missing = wanted - set(root.fields)
        assert not missing, f"root fields gone or renamed: {missing}"
        for name in sorted(wanted):
            fields.append((root.name, name, root.fields[name]))
            pending += [get_named_type(root.fields[name].type),
                        *(get_named_type(a.type) for a in root.fields[name].args.values())]
    while pending:
        named = pending.pop()
        if named.name in reached:
            continue
        reached[named.name] = named
        if named.name not in OURS | SHARED:
            continue  # reported by the test below
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in named.fields.items():
                if (named.name, name) in OTHERS_ON_OURS:
                    continue
                fields.append((named.name, name, field))
                pending += [get_named_type(field.type), *(get_named_type(a.type) for a in field.args.values())]
        elif isinstance(named, GraphQLInputObjectType):
            pending += [get_named_type(f.type) for f in named.fields.values()]
    return reached, fields


def test_every_type_reached_is_listed_as_ours_or_shared():
    reached, _ = _walk()
    unlisted = sorted(set(reached) - OURS - SHARED)
    assert not unlisted, f"list these in OURS or SHARED (or their field in OTHERS_ON_OURS): {unlisted}"


def test_every_instant_is_a_datetime():
    reached, fields = _walk()
    wrong = []
    for owner, name, field in fields:
        if INSTANT_NAME.search(name) and get_named_type(field.type).name not in ("DateTime", "Date"):
            wrong.append(f"{owner}.{name}")
        for arg_name, arg in field.args.items():
            if INSTANT_NAME.search(arg_name) and get_named_type(arg.type).name != "DateTime":
                wrong.append(f"{owner}.{name}({arg_name})")
    for named in reached.values():
        if isinstance(named, GraphQLInputObjectType):
            wrong += [f"{named.name}.{n}" for n, f in named.fields.items()
                      if INSTANT_NAME.search(n) and get_named_type(f.type).name != "DateTime"]
    assert not wrong, f"instants that are not DateTime: {wrong}"
    created = {f"{o}.{n}": f for o, n, f in fields}["Product.createdAt"]
    assert get_named_type(created.type).name == "DateTime"


def test_every_amount_a_client_reads_is_money():
    _, fields = _walk()
    wrong = [f"{owner}.{name}" for owner, name, field in fields
             if owner != "Money" and AMOUNT_NAME.search(name) and get_named_type(field.type).name != "Money"]
    assert not wrong, f"amounts that are not Money: {wrong}"


def test_every_argument_input_field_and_enum_value_is_described():
    reached, fields = _walk()
    bare = [f"{owner}.{name}({arg_name})" for owner, name, field in fields
            for arg_name, arg in field.args.items() if not (arg.description or "").strip()]
    for named in reached.values():
        if named.name not in OURS | SHARED:
            continue
        if isinstance(named, GraphQLInputObjectType):
            bare += [f"{named.name}.{n}" for n, f in named.fields.items() if not (f.description or "").strip()]
        if isinstance(named, GraphQLEnumType):
            bare += [f"{named.name}.{n}" for n, v in named.values.items() if not (v.description or "").strip()]
    assert not bare, f"without a description: {bare}"


def test_date_and_datetime_say_they_are_rfc_3339():
    gschema = _graphql_schema()
    for name in ("DateTime", "Date"):
        scalar = gschema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType) and scalar.specified_by_url == RFC_3339
        assert "RFC 3339" in scalar.description
    assert f'scalar DateTime @specifiedBy(url: "{RFC_3339}")' in schema().as_str()


def test_closed_sets_are_enums():
    gschema = _graphql_schema()
    money_currency = get_named_type(gschema.get_type("Money").fields["currency"].type)
    assert isinstance(money_currency, GraphQLEnumType) and set(money_currency.values) == set(CURRENCIES)
    for input_type, field in (("SkuInput", "currency"), ("UpdateSkuInput", "currency"), ("CreateDealInput", "currency")):
        assert get_named_type(gschema.get_type(input_type).fields[field].type) is money_currency
    # wx.requestPayment's typings take signType 'MD5' | 'HMAC-SHA256' | 'RSA'; WeChat Pay v3 sends RSA.
    sign_type = gschema.get_type("PaymentParams").fields["signType"].type
    assert isinstance(get_named_type(sign_type), GraphQLEnumType) and list(get_named_type(sign_type).values) == ["RSA"]
    assert str(sign_type) == "SignType!"


def test_product_created_at_reads_as_an_rfc_3339_instant(gql):
    merchant = demo_token(gql, "mia", "MERCHANT")
    operator = demo_token(gql, "olga", "OPERATOR")
    before = datetime.now(UTC).replace(microsecond=0)
    product = create_product(gql, merchant, create_category(gql, operator))
    created_at = read_product(gql, merchant, product["id"])["createdAt"]
    moment = datetime.fromisoformat(created_at)
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    assert before <= moment <= datetime.now(UTC)


def test_the_readme_states_these_types_as_they_are():
    readme = " ".join(README.read_text(encoding="utf-8").split())
    stated = re.search(r"`currency` from the enum `Currency` \(([^)]*)\)", readme)
    assert stated and set(re.findall(r"`(\w+)`", stated.group(1))) == set(CURRENCIES)
    rfc = re.search(r"every instant is a `DateTime`, RFC (\d+) with an offset", readme)
    assert rfc and f"rfc{rfc.group(1)}" in _graphql_schema().get_type("DateTime").specified_by_url
    sign = re.search(r"`SignType`, whose one value `(\w+)`", readme)
    assert sign and list(_graphql_schema().get_type("SignType").values) == [sign.group(1)]
    example = re.search(r"sent in UTC \(`([^`]+)`\)", readme).group(1)
    assert datetime.fromisoformat(example).isoformat() == example  # what the scalar writes for a UTC instant
