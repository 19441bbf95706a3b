"""Catalog persistence: categories, products, SKUs, tag links.

Visibility is an index property: only ACTIVE products (and their SKUs and tag
links) carry the GSI keys customers list by, so a draft or archived product cannot
leak into a listing whatever the query.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.catalog import keys
from chalicelib.catalog.models import AttributeMap, CategoryItem, MediaMap, ProductItem, ProductTagItem, SkuItem
from chalicelib.catalog.rules import Category, Media, MediaKind, Product, ProductStatus, Sku, SkuAttribute, Stock
from chalicelib.core.errors import Conflict
from chalicelib.core.money import Money
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import put_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled


# ---------- mapping between items and domain objects ----------
def to_category(item: CategoryItem) -> Category:
    return Category(id=item.category_id, name=item.name, parent_id=item.parent_id)


def to_product(item: ProductItem) -> Product:
    return Product(
        id=item.product_id,
        merchant_id=item.merchant_id,
        category_id=item.category_id,
        name=item.name,
        description=item.description,
        status=ProductStatus(item.status),
        green=item.green,
        tags=tuple(item.tags),
        media=tuple(Media(m.url, MediaKind(m.kind)) for m in item.media),
        sku_ids=tuple(item.sku_ids),
        created_at=item.created_at,
        updated_at=item.updated_at,
        price_from=None if item.price_from is None else int(item.price_from),
    )


def to_sku(item: SkuItem) -> Sku:
    return Sku(
        id=item.sku_id,
        product_id=item.product_id,
        code=item.code,
        price=Money(int(item.price_amount), item.currency),
        attributes=tuple(SkuAttribute(a.name, a.value) for a in item.attributes),
        stock=Stock(int(item.available), int(item.reserved), int(item.sold)),
    )


def _product_item(product: Product, version: int) -> ProductItem:
    active = product.status is ProductStatus.ACTIVE
    return ProductItem(
        keys.product_pk(product.id),
        keys.PRODUCT_SK,
        product_id=product.id,
        merchant_id=product.merchant_id,
        category_id=product.category_id,
        name=product.name,
        description=product.description,
        status=product.status.value,
        green=product.green,
        tags=list(product.tags),
        media=[MediaMap(url=m.url, kind=m.kind.value) for m in product.media],
        sku_ids=list(product.sku_ids),
        price_from=product.price_from,
        created_at=product.created_at,
        updated_at=product.updated_at,
        version=version,
        GSI1PK=keys.category_products(product.category_id) if active else None,
        GSI1SK=product.id if active else None,
        GSI2PK=keys.merchant_products(product.merchant_id),
        GSI2SK=product.id,
    )


def _sku_item(sku: Sku, product: Product) -> SkuItem:
    item = SkuItem(
        keys.product_pk(product.id),
        keys.sku_sk(sku.id),
        product_id=product.id,
        sku_id=sku.id,
        code=sku.code,
        price_amount=sku.price.amount,
        currency=sku.price.currency,
        attributes=[AttributeMap(name=a.name, value=a.value) for a in sku.attributes],
        available=sku.stock.available,
        reserved=sku.stock.reserved,
        sold=sku.stock.sold,
    )
    item.GSI2PK, item.GSI2SK = _sku_index(product, sku.id)
    return item


def _sku_index(product: Product, sku_id: str) -> tuple[str | None, str | None]:
    if product.status is not ProductStatus.ACTIVE:
        return None, None
    return keys.category_skus(product.category_id), keys.category_sku_sort(product.id, sku_id)


def _tag_item(product: Product, tag: str) -> ProductTagItem:
    active = product.status is ProductStatus.ACTIVE
    return ProductTagItem(
        keys.product_pk(product.id),
        keys.tag_sk(tag),
        product_id=product.id,
        tag=tag,
        GSI1PK=keys.tag_products(tag) if active else None,
        GSI1SK=product.id if active else None,
    )


# ---------- categories ----------
def put_category(category: Category) -> None:
    item = CategoryItem(
        keys.category_pk(category.id),
        keys.CATEGORY_SK,
        category_id=category.id,
        name=category.name,
        parent_id=category.parent_id,
        GSI1PK=keys.CATEGORY_TREE,
        GSI1SK=category.id,
    )
    if not put_if(item, TableItem.PK.does_not_exist()):
        raise Conflict("this category exists already", "id")


def category_tree() -> list[Category]:
    """All categories in one query: a storefront's tree is small (hundreds)."""
    return [to_category(item) for item in TableItem.gsi1.query(keys.CATEGORY_TREE)]


def categories_by_id(ids: Iterable[str]) -> dict[str, Category]:
    found = batch_get((keys.category_pk(i), keys.CATEGORY_SK) for i in ids)
    return {item.category_id: to_category(item) for item in found if isinstance(item, CategoryItem)}


# ---------- products ----------
@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product as stored, with the version its next write must match."""

    product: Product
    version: int
    skus: tuple[Sku, ...] = ()


def create_product(product: Product, skus: Iterable[Sku]) -> None:
    tx = Transaction()
    tx.put("product", _product_item(product, version=1), TableItem.PK.does_not_exist())
    for sku in skus:
        tx.put(f"sku:{sku.id}", _sku_item(sku, product), TableItem.PK.does_not_exist())
    for tag in product.tags:
        tx.put(f"tag:{tag}", _tag_item(product, tag))
    tx.commit()


def product_record(product_id: str, *, consistent: bool = False) -> ProductRecord | None:
    """The product and all its SKUs: one query over the product's partition."""
    product_item: ProductItem | None = None
    skus: list[Sku] = []
    for item in TableItem.query(keys.product_pk(product_id), consistent_read=consistent):
        if isinstance(item, ProductItem):
            product_item = item
        elif isinstance(item, SkuItem):
            skus.append(to_sku(item))
    if product_item is None:
        return None
    product = to_product(product_item)
    order = {sku_id: i for i, sku_id in enumerate(product.sku_ids)}
    skus.sort(key=lambda s: order.get(s.id, len(order)))
    return ProductRecord(product, int(product_item.version), tuple(skus))


def products_by_id(ids: Iterable[str]) -> dict[str, Product]:
    found = batch_get((keys.product_pk(i), keys.PRODUCT_SK) for i in ids)
    return {item.product_id: to_product(item) for item in found if isinstance(item, ProductItem)}


def skus_by_key(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Sku]:
    found = batch_get((keys.product_pk(p), keys.sku_sk(s)) for p, s in pairs)
    return {(item.product_id, item.sku_id): to_sku(item) for item in found if isinstance(item, SkuItem)}


def save_product(before: ProductRecord, after: Product, new_skus: Iterable[Sku] = ()) -> None:
    """Write a changed product, keeping its SKUs' and tags' index keys in step.

    Optimistic: the write holds only if nobody changed the product since
    ``before`` was read, so two editors cannot silently undo each other.
    """
    tx = Transaction()
    version_matches = ProductItem.version == before.version
    tx.put("product", _product_item(after, version=before.version + 1), version_matches)
    new_skus = list(new_skus)
    new_ids = {s.id for s in new_skus}
    for sku in new_skus:
        tx.put(f"sku:{sku.id}", _sku_item(sku, after), TableItem.PK.does_not_exist())
    reindex = (after.status, after.category_id) != (before.product.status, before.product.category_id)
    if reindex:
        for sku_id in after.sku_ids:
            if sku_id in new_ids:
                continue
            gsi_pk, gsi_sk = _sku_index(after, sku_id)
            actions = [SkuItem.GSI2PK.set(gsi_pk), SkuItem.GSI2SK.set(gsi_sk)] if gsi_pk else [
                SkuItem.GSI2PK.remove(), SkuItem.GSI2SK.remove()
            ]
            tx.update(f"sku:{sku_id}", SkuItem(keys.product_pk(after.id), keys.sku_sk(sku_id)), actions,
                      TableItem.PK.exists())
    for tag in set(before.product.tags) - set(after.tags):
        tx.delete(f"tag:{tag}", ProductTagItem(keys.product_pk(after.id), keys.tag_sk(tag)))
    for tag in after.tags:
        if reindex or tag not in before.product.tags:
            tx.put(f"tag:{tag}", _tag_item(after, tag))
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "product" in error.failed:
            raise Conflict("the product was changed by someone else; read it again and retry") from error
        raise


def update_sku_details(record: ProductRecord, sku: Sku, price_from: int | None) -> None:
    """Price, code and attributes; stock moves only through catalog.stock.

    One transaction with the product's ``price_from`` (the service computes it from
    ``record`` with this SKU's new price). Optimistic on the product's version, which
    it moves on: two price changes of one product cannot both compute the lowest
    price from a state the other one changed (Conflict; the service retries)."""
    product_id = record.product.id
    tx = Transaction()
    tx.update(
        "sku",
        SkuItem(keys.product_pk(product_id), keys.sku_sk(sku.id)),
        [
            SkuItem.code.set(sku.code),
            SkuItem.price_amount.set(sku.price.amount),
            SkuItem.currency.set(sku.price.currency),
            SkuItem.attributes.set([AttributeMap(name=a.name, value=a.value) for a in sku.attributes]),
        ],
        TableItem.PK.exists(),
    )
    tx.update(
        "product",
        ProductItem(keys.product_pk(product_id), keys.PRODUCT_SK),
        [ProductItem.price_from.set(price_from), ProductItem.version.set(record.version + 1)],  # set(None) removes
        ProductItem.version == record.version,
    )
    try:
        tx.commit()
    except TransactionCancelled as error:
        if "product" in error.failed:
            raise Conflict("the product was changed by someone else; read it again and retry") from error
        raise


# ---------- listings (newest first; a position is a product id; a PageRequest may page backwards) ----------
def active_products_in_category(category_id: str, limit: int | PageRequest,
                                after_product_id: str | None = None) -> Page[Product]:
    return query_page(TableItem.gsi1, keys.category_products(category_id), limit, after_product_id).map(to_product)


def merchant_products(merchant_id: str, limit: int | PageRequest, after_product_id: str | None = None) -> Page[Product]:
    return query_page(TableItem.gsi2, keys.merchant_products(merchant_id), limit, after_product_id).map(to_product)


def active_products_with_tag(tag: str, limit: int | PageRequest, after_product_id: str | None = None) -> Page[Product]:
    links = query_page(TableItem.gsi1, keys.tag_products(tag), limit, after_product_id)
    found = products_by_id([item.product_id for item in links.items]) if links.items else {}
    # A link can outlive its product's activity for an instant (index lag): skip it.
    return links.map(lambda link: found.get(link.product_id)).keep(
        lambda product: product is not None and product.is_visible_to_customers)


def skus_of_category_page(category_id: str, products: list[Product]) -> dict[str, list[Sku]]:
    """SKUs of a page of a category's products in ONE query, whatever the page size.

    The page is a contiguous run of product ids in the category's index, and GSI2
    sorts the same category's SKUs by ``productId#skuId``, so the page's SKUs are
    exactly one key range.
    """
    if not products:
        return {}
    ids = sorted(p.id for p in products)
    wanted = set(ids)
    condition = TableItem.GSI2SK.between(f"{ids[0]}#", f"{ids[-1]}#~")
    found: dict[str, list[Sku]] = {p.id: [] for p in products}
    for item in TableItem.gsi2.query(keys.category_skus(category_id), condition):
        if isinstance(item, SkuItem) and item.product_id in wanted:
            found[item.product_id].append(to_sku(item))
    return found
