"""Promotions through the service and the store, against the emulator: who may create
what, the ten-promotion cap, pruning, and exact DynamoDB requests (checkout's read)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.catalog import service as catalog
from chalicelib.catalog.rules import ProductStatus
from chalicelib.core.errors import (
    ErrorCode,
    Forbidden,
    IdempotencyKeyReused,
    InvalidState,
    LimitReached,
    NotFound,
    Required,
)
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.promotions import service, store
from chalicelib.promotions.published.checkout import promotions_of
from chalicelib.promotions.rules import Tier
from tests.promotions.support import merchant_user

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MEI = Principal(new_id(), Role.MERCHANT)
OTHER = Principal(new_id(), Role.MERCHANT)
OPERATOR = Principal(new_id(), Role.OPERATOR)
CUSTOMER = Principal(new_id(), Role.CUSTOMER)
TIERS = (Tier(9900, 1000), Tier(19900, 3000))


@pytest.fixture(autouse=True)
def merchants(table):
    for merchant in (MEI, OTHER):
        merchant_user(merchant.user_id)


def new(title="夏日满减", products=(), starts=NOW - DAY, ends=NOW + 7 * DAY) -> service.NewPromotion:
    return service.NewPromotion(title=title, tiers=TIERS, starts_at=starts, ends_at=ends, product_ids=tuple(products))


def product_of(merchant: Principal, status=ProductStatus.ACTIVE) -> str:
    category = catalog.create_category(OPERATOR, "Fruit", None)
    return catalog.create_product(merchant, catalog.NewProduct(
        category_id=category.id, name="Mango", status=status,
        skus=(catalog.SkuInput(code="M", price=990, stock=5),)), NOW).product.id


def test_a_merchant_creates_its_own_and_an_operator_names_the_merchant():
    mango = product_of(MEI)
    mine = service.create_promotion(MEI, None, new(products=[mango]), NOW).promotion
    assert mine.merchant_id == MEI.user_id and mine.product_ids == {mango} and mine.tiers == TIERS
    by_operator = service.create_promotion(OPERATOR, MEI.user_id, new("全店满减"), NOW).promotion
    assert [p.id for p in store.get(MEI.user_id).promotions] == [mine.id, by_operator.id]
    assert store.get(MEI.user_id).version == 2


@pytest.mark.parametrize(("who", "merchant", "error"), [
    (CUSTOMER, None, Forbidden), (None, None, Exception), (OTHER, MEI.user_id, Forbidden), (OPERATOR, None, Required),
])
def test_only_the_merchant_or_an_operator_may_create_and_nothing_is_written(who, merchant, error):
    with pytest.raises(error):
        service.create_promotion(who, merchant, new(), NOW)
    assert store.get(MEI.user_id).version == 0 and store.get(OTHER.user_id).version == 0


def test_products_must_be_the_merchant_s_own_existing_and_not_archived():
    theirs, archived = product_of(OTHER), product_of(MEI, ProductStatus.ARCHIVED)
    mine = product_of(MEI)
    for products, error, index in (([mine, theirs], Forbidden, 1), ([new_id()], NotFound, 0),
                                   ([mine, archived], InvalidState, 1)):
        with pytest.raises(error) as refused:
            service.create_promotion(MEI, None, new(products=products), NOW)
        assert refused.value.field == ("productIds", str(index))
    assert store.get(MEI.user_id).version == 0


def test_the_eleventh_current_promotion_is_refused_until_one_ends_or_is_over():
    created = [service.create_promotion(MEI, None, new(f"P{i}", ends=NOW + (i + 1) * DAY), NOW).promotion
               for i in range(10)]
    with pytest.raises(LimitReached) as refused:
        service.create_promotion(MEI, None, new("eleventh"), NOW)
    assert refused.value.code is ErrorCode.LIMIT_REACHED and store.get(MEI.user_id).version == 10
    ended = service.end_promotion(MEI, MEI.user_id, created[5].id, NOW)
    assert ended.ends_at == NOW and created[5].id not in {p.id for p in store.get(MEI.user_id).promotions}
    service.create_promotion(MEI, None, new("eleventh"), NOW)
    # Two days on, the first two (over at NOW + 1 day and NOW + 2 days) are dropped by the next write.
    later = NOW + 2 * DAY
    service.create_promotion(MEI, None, new("twelfth", starts=later, ends=later + DAY), later)
    kept = store.get(MEI.user_id).promotions
    assert len(kept) == 9 and not {created[0].id, created[1].id} & {p.id for p in kept}


def test_an_operator_must_name_an_existing_merchant():
    for merchant in (new_id(), merchant_user(CUSTOMER.user_id, role="CUSTOMER")):
        with pytest.raises(NotFound) as refused:
            service.create_promotion(OPERATOR, merchant, new(), NOW)
        assert refused.value.field == ("merchantId",)
        assert store.get(merchant).version == 0


def test_ending_another_merchant_s_or_an_unknown_promotion_is_refused():
    mine = service.create_promotion(MEI, None, new(), NOW).promotion
    with pytest.raises(Forbidden):
        service.end_promotion(OTHER, MEI.user_id, mine.id, NOW)
    with pytest.raises(NotFound):
        service.end_promotion(MEI, MEI.user_id, new_id(), NOW)
    assert [p.id for p in store.get(MEI.user_id).promotions] == [mine.id]


def test_promotions_of_returns_running_ones_for_every_merchant_asked(emulator):
    running = service.create_promotion(MEI, None, new(), NOW).promotion
    service.create_promotion(MEI, None, new("tomorrow", starts=NOW + DAY, ends=NOW + 2 * DAY), NOW)
    nobody = new_id()
    emulator.clear_log()
    found = promotions_of([MEI.user_id, nobody, MEI.user_id], NOW)
    assert found == {MEI.user_id: [running], nobody: []}
    assert emulator.dynamodb_counts() == {"BatchGetItem": 1}


@pytest.mark.parametrize("merchants", [1, 20, 100])
def test_promotions_of_costs_one_batch_get_whatever_the_number_of_merchants(emulator, merchants):
    ids = [new_id() for _ in range(merchants)]
    for merchant in ids[:5]:
        service.create_promotion(OPERATOR, merchant_user(merchant), new(), NOW)
    emulator.clear_log()
    found = promotions_of(ids, NOW)
    assert sum(len(v) for v in found.values()) == min(merchants, 5) and set(found) == set(ids)
    assert emulator.dynamodb_counts() == {"BatchGetItem": 1}


def test_promotions_of_no_merchant_makes_no_request(emulator):
    emulator.clear_log()
    assert promotions_of([], NOW) == {}
    assert emulator.dynamodb_counts() == {}


def test_a_create_costs_a_consistent_read_and_one_conditional_put(emulator):
    mango = product_of(MEI)
    emulator.clear_log()
    service.create_promotion(MEI, None, new(), NOW)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "PutItem": 1}
    emulator.clear_log()
    service.create_promotion(MEI, None, new(products=[mango]), NOW)
    assert emulator.dynamodb_counts() == {"BatchGetItem": 1, "GetItem": 1, "PutItem": 1}


def test_a_stale_write_is_refused_and_changes_nothing():
    service.create_promotion(MEI, None, new(), NOW)
    before = store.get(MEI.user_id, consistent=True)
    assert store.save(before, before.promotions[:0], NOW)
    assert not store.save(before, before.promotions, NOW)  # same version again: someone wrote since
    assert store.get(MEI.user_id).promotions == () and store.get(MEI.user_id).version == 2


def test_a_create_retried_with_its_key_answers_with_the_first_and_writes_nothing(emulator):
    first = service.create_promotion(MEI, None, new(), NOW, idempotency_key="create-0001")
    emulator.clear_log()
    again = service.create_promotion(MEI, None, new(), NOW, idempotency_key="create-0001")
    assert (again.promotion, again.replayed, first.replayed) == (first.promotion, True, False)
    assert emulator.dynamodb_counts() == {"GetItem": 1}  # read, found, nothing written
    with pytest.raises(IdempotencyKeyReused):
        service.create_promotion(MEI, None, new("another title"), NOW, idempotency_key="create-0001")
    # Another caller's same key is another request; the key survives the list's later writes.
    service.create_promotion(OPERATOR, MEI.user_id, new(), NOW, idempotency_key="create-0001")
    assert service.create_promotion(MEI, None, new(), NOW, idempotency_key="create-0001").replayed
    assert len(store.get(MEI.user_id).promotions) == 2
