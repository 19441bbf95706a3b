"""Distribution in the single table (keys.py). Every write is conditional or a counter added in a transaction with
a marker written only if absent, so a redelivered stream record or a repeated visit changes nothing twice."""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import CHINA, iso
from chalicelib.core.table.conditional import put_if, update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.distribution import keys
from chalicelib.distribution.models import (
    DistributionRateItem,
    DistributionRuleItem,
    DistributorItem,
    DistributorLinkItem,
    LinkCodeItem,
    LinkMarkItem,
)
from chalicelib.distribution.rules import DEFAULT_MODE, Distributor, DistributorState, JoinMode

VISIT_MARK_DAYS = 2


# ---------------------------------------------------------------- the join rule
def get_mode() -> JoinMode:
    """The stored mode, or the decided default (opt-in): one GetItem."""
    try:
        return JoinMode(DistributionRuleItem.get(keys.RULE_PK, keys.RULE_SK).mode)
    except DoesNotExist:
        return DEFAULT_MODE


def put_mode(mode: JoinMode, operator_id: str, now: datetime) -> None:
    DistributionRuleItem(keys.RULE_PK, keys.RULE_SK, mode=mode.value, updated_at=iso(now),
                         updated_by=operator_id).save()


# ---------------------------------------------------------------- distributors
def _distributor(item: DistributorItem) -> Distributor:
    return Distributor(item.user_id, DistributorState(item.state), item.joined_at, item.upstream_id)


def get_distributor(user_id: str, *, consistent: bool = False) -> Distributor | None:
    try:
        return _distributor(DistributorItem.get(keys.distributor_pk(user_id), keys.DISTRIBUTOR_SK,
                                                consistent_read=consistent))
    except DoesNotExist:
        return None


def distributors(user_ids: list[str]) -> dict[str, Distributor]:
    """Several distributors: one BatchGetItem."""
    wanted = [(keys.distributor_pk(u), keys.DISTRIBUTOR_SK) for u in dict.fromkeys(user_ids)]
    return {item.user_id: _distributor(item) for item in DistributorItem.batch_get(wanted)}


def join(user_id: str, state: DistributorState, now: datetime) -> bool:
    """One PutItem, only if the user is no distributor yet: False when they were."""
    item = DistributorItem(keys.distributor_pk(user_id), keys.DISTRIBUTOR_SK, user_id=user_id, state=state.value,
                           joined_at=iso(now))
    if state is DistributorState.APPLIED:  # in the operators' queue until approved
        item.GSI1PK, item.GSI1SK = keys.APPLICATIONS, keys.application_sort_key(iso(now), user_id)
    return put_if(item, TableItem.PK.does_not_exist())


def approve(user_id: str) -> bool:
    """APPLIED → ACTIVE: one conditional UpdateItem."""
    return update_if(DistributorItem(keys.distributor_pk(user_id), keys.DISTRIBUTOR_SK),
                     [DistributorItem.state.set(DistributorState.ACTIVE.value), DistributorItem.GSI1PK.remove(),
                      DistributorItem.GSI1SK.remove()],
                     DistributorItem.state == DistributorState.APPLIED.value)


def applications(request: PageRequest) -> Page[Distributor]:
    """The operators' queue, oldest application first: one Query of GSI1 (only applicants carry its keys)."""
    return query_page(TableItem.gsi1, keys.APPLICATIONS, request, forward=True, kinds=DistributorItem).map(
        _distributor)


def name_upstream(user_id: str, upstream_id: str) -> bool:
    """Once: one conditional UpdateItem, only on an existing distributor with no upstream yet."""
    return update_if(DistributorItem(keys.distributor_pk(user_id), keys.DISTRIBUTOR_SK),
                     [DistributorItem.upstream_id.set(upstream_id)],
                     DistributorItem.PK.exists() & DistributorItem.upstream_id.does_not_exist())


# ---------------------------------------------------------------- rates
def get_rate(product_id: str, *, consistent: bool = False) -> int:
    """A product's rate in basis points (0: not distributable): one GetItem."""
    try:
        return int(DistributionRateItem.get(keys.rate_pk(product_id), keys.RATE_SK, consistent_read=consistent).rate_bp)
    except DoesNotExist:
        return 0


def put_rate(product_id: str, rate_bp: int, by: str, now: datetime) -> None:
    DistributionRateItem(keys.rate_pk(product_id), keys.RATE_SK, product_id=product_id, rate_bp=rate_bp,
                         updated_at=iso(now), updated_by=by).save()


# ---------------------------------------------------------------- links
def get_link(user_id: str, product_id: str, *, consistent: bool = False) -> DistributorLinkItem | None:
    try:
        return DistributorLinkItem.get(keys.distributor_pk(user_id), keys.link_sk(product_id),
                                       consistent_read=consistent)
    except DoesNotExist:
        return None


class LinkExists(Exception):
    """The distributor has a link for the product already."""


def claim_link(user_id: str, product_id: str, product_name: str, code: str, now: datetime) -> DistributorLinkItem:
    """The dashboard row and the code, both only if absent, in one TransactWriteItems. Raises LinkExists (the row
    was there) or TransactionCancelled (the code was taken)."""
    row = DistributorLinkItem(keys.distributor_pk(user_id), keys.link_sk(product_id), user_id=user_id,
                              product_id=product_id, product_name=product_name, code=code, created_at=iso(now),
                              visits=0, orders=0, commission=0)
    tx = Transaction()
    tx.put("row", row, TableItem.PK.does_not_exist())
    tx.put("code", LinkCodeItem(keys.code_pk(code), keys.CODE_SK, user_id=user_id, product_id=product_id),
           TableItem.PK.does_not_exist())
    tx.refuse("row", LinkExists())
    tx.commit()
    return row


def resolve(code: str) -> LinkCodeItem | None:
    """Whose link a code is: one GetItem."""
    try:
        return LinkCodeItem.get(keys.code_pk(code), keys.CODE_SK)
    except DoesNotExist:
        return None


def _counted(mark: LinkMarkItem, link: LinkCodeItem, actions: list) -> bool:
    tx = Transaction()
    tx.put("mark", mark, TableItem.PK.does_not_exist())
    tx.update("row", DistributorLinkItem(keys.distributor_pk(link.user_id), keys.link_sk(link.product_id)), actions,
              DistributorLinkItem.PK.exists())
    try:
        tx.commit()
    except TransactionCancelled:
        return False
    return True


def count_visit(code: str, link: LinkCodeItem, visitor_id: str, now: datetime) -> bool:
    """A visit, once per visitor, link and China day: one TransactWriteItems (False: counted already today)."""
    day = now.astimezone(CHINA).strftime("%Y-%m-%d")
    expires = int((now + timedelta(days=VISIT_MARK_DAYS)).timestamp())
    return _counted(LinkMarkItem(keys.code_pk(code), keys.visit_sk(day, visitor_id), ttl=expires), link,
                    [DistributorLinkItem.visits.add(1)])


def count_order(code: str, link: LinkCodeItem, order_id: str, commission: int) -> bool:
    """A paid order and the distributor's commission on it, once per order: one TransactWriteItems."""
    return _counted(LinkMarkItem(keys.code_pk(code), keys.order_sk(order_id)), link,
                    [DistributorLinkItem.orders.add(1), DistributorLinkItem.commission.add(commission)])


def links_page(user_id: str, request: PageRequest) -> Page[DistributorLinkItem]:
    """A distributor's links by product id: one Query, however many links the page holds."""
    return query_page(TableItem, keys.distributor_pk(user_id), request, forward=True, prefix=keys.LINK_PREFIX,
                      kinds=DistributorLinkItem)
