"""Sale rounds in the single table.

- ``ROUND#<r>`` / ``ROUND``: the round with its lines and leaders; GSI2 ``MERCHANT#<m>#ROUNDS``
  / ``<round id>`` (a merchant's rounds, newest first).
- ``ROUND#<r>`` / ``LEADER#<leader>``: one per served leader, GSI1 ``LEADER#<leader>#ROUNDS`` /
  ``<cutoff>#<round id>``: a leader's open rounds are the range above now, one Query a page.

Opening a round is ONE transaction (the round + one item per leader: at most 51 items).
Cancelling is one transaction too: the round, on condition that it is not cancelled and its
cutoff is still ahead, and its leader items taken out of the leaders' GSI1 partitions.
"""
from __future__ import annotations

from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.community import keys_rounds as keys
from chalicelib.community.models_rounds import CommunityRoundItem, CommunityRoundServedItem, RoundLineAttribute
from chalicelib.community.rules_rounds import Round, RoundClosed, RoundLine, Uncollected
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import PREFIX_END, Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction

CANCELLED = "CANCELLED"
LEADER_READ_ATTEMPTS = 4  # DynamoDB may leave keys of a BatchGetItem unprocessed under load: asked again


# ---------------------------------------------------------------- mapping
def to_round(item: CommunityRoundItem) -> Round:
    lines = tuple(RoundLine(product_id=line.product_id, sku_id=line.sku_id, price=int(line.price),
                            per_customer_limit=None if line.per_customer_limit is None
                            else int(line.per_customer_limit), commission_bp=int(line.commission_bp))
                  for line in item.lines)
    return Round(id=item.round_id, merchant_id=item.merchant_id, creator_id=item.creator_id, title=item.title,
                 lines=lines, leader_ids=tuple(item.leader_ids), cutoff_at=from_iso(item.cutoff_at),
                 pickup_on=date.fromisoformat(item.pickup_on), created_at=from_iso(item.created_at),
                 cancelled_at=from_iso(item.cancelled_at) if item.cancelled_at else None,
                 uncollected=Uncollected(item.uncollected or Uncollected.KEEP.value))


def _round_item(r: Round) -> CommunityRoundItem:
    lines = [RoundLineAttribute(product_id=line.product_id, sku_id=line.sku_id, price=line.price,
                                per_customer_limit=line.per_customer_limit, commission_bp=line.commission_bp)
             for line in r.lines]
    return CommunityRoundItem(
        keys.round_pk(r.id), keys.ROUND_SK, round_id=r.id, merchant_id=r.merchant_id, creator_id=r.creator_id,
        title=r.title, lines=lines, leader_ids=list(r.leader_ids), cutoff_at=iso(r.cutoff_at),
        pickup_on=r.pickup_on.isoformat(), created_at=iso(r.created_at), uncollected=r.uncollected.value,
        GSI2PK=keys.merchant_rounds(r.merchant_id), GSI2SK=r.id,
    )


def _served_item(r: Round, leader_id: str) -> CommunityRoundServedItem:
    cutoff = iso(r.cutoff_at)
    return CommunityRoundServedItem(
        keys.round_pk(r.id), keys.served_sk(leader_id), round_id=r.id, leader_id=leader_id,
        merchant_id=r.merchant_id, cutoff_at=cutoff,
        GSI1PK=keys.leader_rounds(leader_id), GSI1SK=keys.cutoff_key(cutoff, r.id),
    )


# ---------------------------------------------------------------- writes
def create(r: Round) -> None:
    """The round and its leader items: one TransactWriteItems, however many leaders (≤ 50)."""
    tx = Transaction()
    tx.put("round", _round_item(r), TableItem.PK.does_not_exist())
    for leader_id in r.leader_ids:
        tx.put(f"leader:{leader_id}", _served_item(r, leader_id))
    tx.commit()


def cancel(r: Round, now: datetime) -> None:
    """One TransactWriteItems; RoundClosed (nothing written) if cancelled or past its cutoff meanwhile."""
    item = CommunityRoundItem
    tx = Transaction()
    tx.refuse("round", RoundClosed("the round is past its order cutoff or cancelled already", "roundId"))
    tx.update("round", item(keys.round_pk(r.id), keys.ROUND_SK),
              [item.state.set(CANCELLED), item.cancelled_at.set(iso(now))],
              item.state.does_not_exist() & (item.cutoff_at > iso(now)))
    served = CommunityRoundServedItem
    for leader_id in r.leader_ids:
        tx.update(f"leader:{leader_id}", served(keys.round_pk(r.id), keys.served_sk(leader_id)),
                  [served.GSI1PK.remove(), served.GSI1SK.remove()])
    tx.commit()


# ---------------------------------------------------------------- reads
def get_round(round_id: str, *, consistent: bool = False) -> Round | None:
    """One GetItem."""
    try:
        item = CommunityRoundItem.get(keys.round_pk(round_id), keys.ROUND_SK, consistent_read=consistent)
    except DoesNotExist:
        return None
    return to_round(item)


def rounds_by_id(round_ids: list[str]) -> dict[str, Round]:
    """One BatchGetItem (per 100 rounds)."""
    found = batch_get((keys.round_pk(i), keys.ROUND_SK) for i in round_ids)
    return {item.round_id: to_round(item) for item in found if isinstance(item, CommunityRoundItem)}


def open_rounds_of_leader(leader_id: str, request: PageRequest, now: datetime) -> Page[Round]:
    """A leader's rounds still open at ``now``, soonest cutoff first: one Query of its GSI1 partition
    (the key condition starts at now: past rounds are never read) and one BatchGetItem of the rounds."""
    page = query_page(TableItem.gsi1, keys.leader_rounds(leader_id), request, forward=True,
                      bounds=(keys.open_from(iso(now)), PREFIX_END), kinds=CommunityRoundServedItem)
    rounds = rounds_by_id([served.round_id for served in page.items]) if page.items else {}
    return page.map(lambda served: rounds.get(served.round_id)).keep(lambda r: r is not None)


def rounds_of_merchant(merchant_id: str, request: PageRequest) -> Page[Round]:
    """A merchant's rounds, newest first (cancelled and closed ones too): one Query of GSI2."""
    return query_page(TableItem.gsi2, keys.merchant_rounds(merchant_id), request,
                      kinds=CommunityRoundItem).map(to_round)

