"""Building test data through the public API, as a merchant would."""
from __future__ import annotations

from tests.api.catalog_ops import CREATE_CATEGORY, CREATE_PRODUCT


def create_category(gql, operator: str, name: str = "Fruit", parent: str | None = None) -> str:
    result = gql(CREATE_CATEGORY, {"name": name, "parentId": parent}, token=operator)["data"]["createCategory"]
    assert result["errors"] == [], result["errors"]
    return result["category"]["id"]


def create_product(gql, merchant: str, category: str, *, name: str = "Mango", skus_each: int = 1,
                   stock: int = 10, status: str = "ACTIVE", tags: list[str] | None = None) -> dict:
    skus = [{"code": f"SKU-{i}", "price": 1000 + i, "stock": stock, "attributes": [{"name": "size", "value": str(i)}]}
            for i in range(skus_each)]
    result = gql(CREATE_PRODUCT, {"input": {"categoryId": category, "name": name, "skus": skus, "status": status,
                                            "tags": tags or []}}, token=merchant)["data"]["createProduct"]
    assert result["errors"] == [], result["errors"]
    return result["product"]


def seed_category_with_products(gql, operator: str, merchant: str, *, count: int, skus_each: int = 1) -> tuple[str, list[str]]:
    category = create_category(gql, operator)
    ids = [create_product(gql, merchant, category, name=f"Product {i}", skus_each=skus_each)["id"] for i in range(count)]
    return category, ids


def pair(page) -> tuple[list, bool]:
    """A store's ``Page`` as (items, has_more), for short assertions."""
    return page.items, page.has_more
