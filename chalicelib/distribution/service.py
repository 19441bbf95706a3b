"""What the API asks of distribution, each for whom it is allowed."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.catalog.published.products import PRODUCT_SK, ProductItem, product_pk
from chalicelib.core.errors import Conflict, Forbidden, InvalidState, NotFound, ValidationFailed
from chalicelib.core.ids import is_share_code, new_share_code
from chalicelib.core.principal import Principal, Role, may_manage, require_role, require_self, require_user
from chalicelib.core.table.paging import Page, PageRequest
from chalicelib.core.table.transactions import TransactionCancelled
from chalicelib.distribution import rules, store
from chalicelib.distribution.models import DistributorLinkItem
from chalicelib.distribution.rules import Distributor, JoinMode

CODE_ATTEMPTS = 3


def join_mode() -> JoinMode:
    return store.get_mode()


def set_join_mode(principal: Principal | None, mode: JoinMode, now: datetime) -> JoinMode:
    store.put_mode(mode, require_role(principal, Role.OPERATOR).user_id, now)
    return mode


def become_distributor(principal: Principal | None, now: datetime) -> Distributor:
    """Opt in (active at once) or apply (APPROVAL mode). Asking again returns what is on record."""
    user = require_role(principal, Role.CUSTOMER)
    store.join(user.user_id, rules.join_state(store.get_mode()), now)
    found = store.get_distributor(user.user_id, consistent=True)
    assert found is not None
    return found


def approve_distributor(principal: Principal | None, user_id: str) -> Distributor:
    require_role(principal, Role.OPERATOR)
    if not store.approve(user_id):
        found = store.get_distributor(user_id, consistent=True)
        if found is None:
            raise NotFound("no such applicant", "userId")
        if not found.active:
            raise InvalidState("not an applicant", "userId")
    found = store.get_distributor(user_id, consistent=True)
    assert found is not None
    return found


def applications(principal: Principal | None, request: PageRequest) -> Page[Distributor]:
    """Operators: who applied (the APPROVAL mode), oldest first, to approve with approve_distributor."""
    require_role(principal, Role.OPERATOR)
    return store.applications(request)


def _code(code: object, field: str = "code") -> str:
    if not is_share_code(code):
        raise ValidationFailed("a 16-character share code", field)
    return str(code)


def name_upstream(principal: Principal | None, code: str) -> Distributor:
    """Name the distributor who recruited you by one of their link codes: once; never yourself or your recruit."""
    user = require_user(principal)
    code = _code(code)
    me = store.get_distributor(user.user_id, consistent=True)
    if me is None:
        raise InvalidState("become a distributor first")
    if me.upstream_id is not None:
        raise Conflict("your upstream is named already", "code")
    link = store.resolve(code)
    upstream = store.get_distributor(link.user_id, consistent=True) if link else None
    refusal = rules.upstream_refusal(user.user_id, upstream)
    if refusal is not None:
        raise ValidationFailed(refusal, "code")
    assert upstream is not None
    if user.user_id in _recruiters_of(upstream):
        raise ValidationFailed("someone you recruited, directly or not, cannot be your upstream", "code")
    if not store.name_upstream(user.user_id, upstream.user_id):
        raise Conflict("your upstream is named already", "code")
    found = store.get_distributor(user.user_id, consistent=True)
    assert found is not None
    return found


MAX_CHAIN_READ = 50  # recruiters walked up to refuse a loop; a chain longer than this is refused too


def _recruiters_of(distributor: Distributor) -> set[str]:
    """Who recruited ``distributor``, and who recruited them, up the chain (one GetItem a level): naming an upstream
    must not close a loop, whatever its length (only one level earns, but a loop is never a recruitment)."""
    seen: set[str] = set()
    current = distributor
    while current.upstream_id is not None and current.upstream_id not in seen:
        if len(seen) >= MAX_CHAIN_READ:
            raise ValidationFailed("that distributor's recruitment chain is too long to join", "code")
        seen.add(current.upstream_id)
        found = store.get_distributor(current.upstream_id, consistent=True)
        if found is None:
            break
        current = found
    return seen


def _product(product_id: str) -> ProductItem:
    try:
        return ProductItem.get(product_pk(product_id), PRODUCT_SK)
    except DoesNotExist:
        raise NotFound("no such product", "productId") from None


def set_rate(principal: Principal | None, product_id: str, rate_bp: int, now: datetime) -> int:
    """Merchants on their own products, operators on any: 0 to 3000 bp (0: not distributable)."""
    user = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    rate_bp = rules.checked_rate(rate_bp)
    if not may_manage(user, _product(product_id).merchant_id):
        raise Forbidden("only your own products")
    store.put_rate(product_id, rate_bp, user.user_id, now)
    return rate_bp


def create_link(principal: Principal | None, product_id: str, now: datetime) -> DistributorLinkItem:
    """Your link for a distributable product: one per product (asking again returns it)."""
    user = require_user(principal)
    existing = store.get_link(user.user_id, product_id)
    if existing is not None:
        return existing
    me = store.get_distributor(user.user_id)
    if me is None or not me.active:
        raise InvalidState("only an active distributor makes links")
    product = _product(product_id)
    if store.get_rate(product_id) <= 0:
        raise InvalidState("the product is not distributable", "productId")
    for _ in range(CODE_ATTEMPTS):
        try:
            return store.claim_link(user.user_id, product_id, product.name, new_share_code(), now)
        except store.LinkExists:
            found = store.get_link(user.user_id, product_id, consistent=True)
            assert found is not None
            return found
        except TransactionCancelled:
            continue  # the code was taken: draw another
    raise RuntimeError("no free link code after several draws")


def visit(principal: Principal | None, code: str, now: datetime) -> tuple[str, bool]:
    """The link's product id, and whether this visit was counted: signed-in visitors other than the distributor,
    once per link and China day; anonymous visits are not counted."""
    code = _code(code)
    link = store.resolve(code)
    if link is None:
        raise NotFound("no such link", "code")
    if principal is None or principal.user_id == link.user_id:
        return link.product_id, False
    return link.product_id, store.count_visit(code, link, principal.user_id, now)


def my_distributor(principal: Principal | None, user_id: str) -> Distributor | None:
    return store.get_distributor(require_self(principal, user_id, "your own distribution").user_id)


def my_links(principal: Principal | None, user_id: str, request: PageRequest) -> Page[DistributorLinkItem]:
    return store.links_page(require_self(principal, user_id, "your own links").user_id, request)
