"""Catalog commands and the visibility rule for reads."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from chalicelib.catalog import rules, store
from chalicelib.catalog import stock as stock_store
from chalicelib.catalog.rules import Category, Media, Product, ProductStatus, Sku, SkuAttribute, Stock
from chalicelib.catalog.stock import Reservation, ReservationState, StockKey
from chalicelib.catalog.store import ProductRecord
from chalicelib.core.clock import iso, utc_now
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, may_manage, require_role
from chalicelib.core.table.paging import Page, PageRequest

MANAGERS = (Role.MERCHANT, Role.OPERATOR)


@dataclass(frozen=True)
class SkuInput:
    code: str
    price: int
    currency: str = "CNY"
    attributes: tuple[SkuAttribute, ...] = ()
    stock: int = 0


@dataclass(frozen=True)
class NewProduct:
    category_id: str
    name: str
    description: str = ""
    tags: tuple[str, ...] = ()
    media: tuple[Media, ...] = ()
    green: bool = False
    skus: tuple[SkuInput, ...] = ()
    status: ProductStatus = ProductStatus.DRAFT


@dataclass(frozen=True)
class ProductChanges:
    """Only the fields that are set change."""

    name: str | None = None
    description: str | None = None
    category_id: str | None = None
    tags: tuple[str, ...] | None = None
    media: tuple[Media, ...] | None = None
    green: bool | None = None
    status: ProductStatus | None = None


@dataclass(frozen=True)
class SkuChanges:
    code: str | None = None
    price: int | None = None
    currency: str | None = None
    attributes: tuple[SkuAttribute, ...] | None = field(default=None)


# ---------- categories ----------
def create_category(principal: Principal | None, name: str, parent_id: str | None) -> Category:
    require_role(principal, Role.OPERATOR)
    name = rules.clean_text(name, "name", max_length=64)
    if parent_id is not None and parent_id not in store.categories_by_id([parent_id]):
        raise NotFound("no such parent category", "parentId")
    category = Category(id=new_id(), name=name, parent_id=parent_id)
    store.put_category(category)
    return category


def _require_category(category_id: str, field_name: str = "categoryId") -> None:
    if category_id not in store.categories_by_id([category_id]):
        raise NotFound("no such category", field_name)


# ---------- products ----------
def _build_sku(product_id: str, given: SkuInput, path: str) -> Sku:
    return Sku(
        id=new_id(),
        product_id=product_id,
        code=rules.clean_text(given.code, f"{path}.code", max_length=64),
        price=Money.of(given.price, given.currency, amount_field=f"{path}.price", currency_field=f"{path}.currency"),
        attributes=rules.clean_attributes(given.attributes, f"{path}.attributes"),
        stock=Stock(available=rules.clean_stock_quantity(given.stock, f"{path}.stock")),
    )


def create_product(principal: Principal | None, new: NewProduct, now: datetime) -> ProductRecord:
    caller = require_role(principal, *MANAGERS)
    product_id = new_id()
    if len(new.skus) > rules.MAX_SKUS_PER_PRODUCT:
        raise ValidationFailed(f"at most {rules.MAX_SKUS_PER_PRODUCT} SKUs", "skus")
    skus = [_build_sku(product_id, s, f"skus.{i}") for i, s in enumerate(new.skus)]
    _reject_duplicate_codes(skus, lambda i: f"skus.{i}.code")
    draft = Product(
        id=product_id,
        merchant_id=caller.user_id,
        category_id=new.category_id,
        name=rules.clean_text(new.name, "name", max_length=120),
        description=rules.clean_text(new.description, "description", max_length=5000, required=False),
        green=bool(new.green),
        tags=rules.clean_tags(new.tags),
        media=rules.clean_media(new.media),
        sku_ids=tuple(s.id for s in skus),
        created_at=iso(now),
        updated_at=iso(now),
        price_from=rules.lowest_price(skus),
    )
    product = rules.change_status(draft, new.status)
    _require_category(new.category_id)
    store.create_product(product, skus)
    count("ProductsCreated")
    return ProductRecord(product, 1, tuple(skus))


def _managed_record(principal: Principal | None, product_id: str, field_name: str = "id") -> tuple[Principal, ProductRecord]:
    caller = require_role(principal, *MANAGERS)
    record = store.product_record(product_id, consistent=True)
    if record is None:
        raise NotFound("no such product", field_name)
    if not may_manage(caller, record.product.merchant_id):
        raise Forbidden("this product belongs to another merchant")
    return caller, record


def update_product(principal: Principal | None, product_id: str, changes: ProductChanges, now: datetime) -> ProductRecord:
    _, record = _managed_record(principal, product_id)
    product = record.product
    if product.status is ProductStatus.ARCHIVED:
        raise ValidationFailed("an archived product cannot be changed", "id")
    updated = replace(
        product,
        name=product.name if changes.name is None else rules.clean_text(changes.name, "name", max_length=120),
        description=product.description if changes.description is None
        else rules.clean_text(changes.description, "description", max_length=5000, required=False),
        category_id=changes.category_id or product.category_id,
        tags=product.tags if changes.tags is None else rules.clean_tags(changes.tags),
        media=product.media if changes.media is None else rules.clean_media(changes.media),
        green=product.green if changes.green is None else bool(changes.green),
        updated_at=iso(now),
        price_from=rules.lowest_price(record.skus),  # also fills it in on products older than the field
    )
    if changes.status is not None:
        updated = rules.change_status(updated, changes.status)
    if updated.category_id != product.category_id:
        _require_category(updated.category_id)
    store.save_product(record, updated)
    if updated.status is not product.status:
        count(f"Products{updated.status.value.title()}")
    return ProductRecord(updated, record.version + 1, record.skus)


def archive_product(principal: Principal | None, product_id: str, now: datetime) -> ProductRecord:
    return update_product(principal, product_id, ProductChanges(status=ProductStatus.ARCHIVED), now)


def _reject_duplicate_codes(skus: list[Sku], field_of: Callable[[int], str]) -> None:
    """``field_of(i)`` names the input field of the i-th SKU, the one at fault."""
    seen: set[str] = set()
    for i, sku in enumerate(skus):
        if sku.code in seen:
            raise ValidationFailed(f"SKU code {sku.code!r} is used twice", field_of(i))
        seen.add(sku.code)


def add_sku(principal: Principal | None, product_id: str, given: SkuInput, now: datetime) -> Sku:
    _, record = _managed_record(principal, product_id, "productId")
    if record.product.status is ProductStatus.ARCHIVED:
        raise ValidationFailed("an archived product cannot get new SKUs", "productId")
    if len(record.product.sku_ids) >= rules.MAX_SKUS_PER_PRODUCT:
        raise ValidationFailed(f"a product has at most {rules.MAX_SKUS_PER_PRODUCT} SKUs", "productId")
    sku = _build_sku(product_id, given, "sku")
    _reject_duplicate_codes([*record.skus, sku], lambda _: "sku.code")
    updated = replace(record.product, sku_ids=(*record.product.sku_ids, sku.id), updated_at=iso(now),
                      price_from=rules.lowest_price([*record.skus, sku]))
    store.save_product(record, updated, new_skus=[sku])
    return sku


def _managed_sku(
    principal: Principal | None, product_id: str, sku_id: str, field_name: str = "skuId"
) -> tuple[ProductRecord, Sku]:
    _, record = _managed_record(principal, product_id, field_name)
    for sku in record.skus:
        if sku.id == sku_id:
            return record, sku
    raise NotFound("no such SKU", field_name)


SKU_EDIT_ATTEMPTS = 3  # a price change retries when another write moved the product's version


def update_sku(principal: Principal | None, product_id: str, sku_id: str, changes: SkuChanges) -> Sku:
    for attempt in range(SKU_EDIT_ATTEMPTS):
        record, sku = _managed_sku(principal, product_id, sku_id, "id")
        if record.product.status is ProductStatus.ARCHIVED:
            raise ValidationFailed("an archived product cannot be changed", "id")
        updated = replace(
            sku,
            code=sku.code if changes.code is None else rules.clean_text(changes.code, "code", max_length=64),
            price=sku.price if changes.price is None and changes.currency is None
            else Money.of(sku.price.amount if changes.price is None else changes.price,
                          sku.price.currency if changes.currency is None else changes.currency),
            attributes=sku.attributes if changes.attributes is None
            else rules.clean_attributes(changes.attributes, "attributes"),
        )
        others = [s for s in record.skus if s.id != sku_id]
        _reject_duplicate_codes([*others, updated], lambda _: "code")
        try:
            store.update_sku_details(record, updated, rules.lowest_price([*others, updated]))
        except Conflict:
            # Another SKU's price (or the product) changed since the read: the lowest
            # price must be computed again from what is there now.
            if attempt + 1 == SKU_EDIT_ATTEMPTS:
                raise
            continue
        return updated
    raise AssertionError("unreachable")


def set_stock(principal: Principal | None, product_id: str, sku_id: str, quantity: int) -> Sku:
    require_role(principal, *MANAGERS)  # who asks before what they ask
    quantity = rules.clean_stock_quantity(quantity, "quantity")
    _, sku = _managed_sku(principal, product_id, sku_id)
    return replace(sku, stock=stock_store.set_available(StockKey.of_sku(product_id, sku_id), quantity))


def adjust_stock(
    principal: Principal | None, product_id: str, sku_id: str, delta: int,
    idempotency_key: str | None = None, now: datetime | None = None,
) -> Sku:
    """With an idempotency key, a retried adjustment applies once; the payload is
    then the SKU as it stands (a replay changes nothing)."""
    caller = require_role(principal, *MANAGERS)
    delta = rules.clean_stock_delta(delta, "delta")
    request = None if idempotency_key is None else idempotent_request(
        caller.user_id, "adjustStock", idempotency_key, product_id, sku_id, delta)
    _, sku = _managed_sku(principal, product_id, sku_id)
    key = StockKey.of_sku(product_id, sku_id)
    if request is None:
        return replace(sku, stock=stock_store.adjust_available(key, delta))
    stock_store.adjust_available_once(key, delta, request, now or utc_now())
    record = store.product_record(product_id, consistent=True)
    return next(s for s in record.skus if s.id == sku_id) if record else sku


# ---------- stock primitives for orders and deals ----------
def reserve_stock(
    owner_id: str, stock: StockKey, quantity: int, hold: timedelta, now: datetime, reservation_id: str | None = None
) -> Reservation:
    reservation = Reservation(
        id=reservation_id or new_id(),
        stock=stock,
        quantity=rules.clean_reserve_quantity(quantity),
        state=ReservationState.HELD,
        owner_id=owner_id,
        expires_at=iso(now + hold),
    )
    stock_store.reserve(reservation, created_at=iso(now))
    return reservation


def release_reservation(reservation_id: str, now: datetime) -> bool:
    """True if this call returned the units; False if already released or committed."""
    reservation = stock_store.get_reservation(reservation_id)
    if reservation.state is not ReservationState.HELD:
        return False
    return stock_store.resolve(reservation, ReservationState.RELEASED, iso(now))


def commit_reservation(reservation_id: str, now: datetime) -> bool:
    reservation = stock_store.get_reservation(reservation_id)
    if reservation.state is not ReservationState.HELD:
        return False
    return stock_store.resolve(reservation, ReservationState.COMMITTED, iso(now))


# ---------- reads ----------
def can_see(principal: Principal | None, product: Product) -> bool:
    if product.is_visible_to_customers:
        return True
    return principal is not None and may_manage(principal, product.merchant_id)


def merchant_products(principal: Principal | None, merchant_id: str, limit: int | PageRequest,
                      after: str | None = None) -> Page[Product]:
    """``me.products``: a merchant's own products in every status, newest first."""
    if principal is None or principal.user_id != merchant_id or principal.role is not Role.MERCHANT:
        raise Forbidden("only a merchant lists their own products here")
    return store.merchant_products(merchant_id, limit, after)
