"""Every customer's invite code: a share code (16 characters, fits a mini-program ``scene``), made on first ask."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.ids import new_share_code
from chalicelib.core.table.transactions import TransactionCancelled
from chalicelib.referrals import store

ATTEMPTS = 3  # 80 random bits: a taken code is all but impossible, and then another is drawn


def invite_code(user_id: str, now: datetime) -> str:
    """The user's code: one GetItem once made; the first ask makes it (one TransactWriteItems more). Two
    first asks racing get the same code: the loser reads the winner's."""
    code = store.code_of(user_id)
    if code is not None:
        return code
    for _ in range(ATTEMPTS):
        try:
            made = store.claim_code(user_id, new_share_code(), now)
        except TransactionCancelled:
            continue  # the code was someone else's: draw another
        if made is not None:
            return made
        code = store.code_of(user_id, consistent=True)
        if code is not None:
            return code
    raise RuntimeError("no free invite code after several draws")
