"""The reward job (``reward-referrals``, hourly): DUE referrals whose return window has closed are rewarded
(rewarding.py), once: the reward is conditioned on the referral's version, so a run repeated or racing another
rewards each once. Reads the rule once (one GetItem) and each shard's due range (one Query a page); each
referral costs one TransactWriteItems (two past its inviter's cap). Rewarding empties the due index, so a
stopped run is finished by the next."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.core.clock import iso
from chalicelib.core.jobs import scheduled_now
from chalicelib.core.observability import count, flush_metrics, logger
from chalicelib.referrals import rewarding, store
from chalicelib.referrals.keys import DUE_SHARDS
from chalicelib.referrals.models import ReferralItem

REWARD_REFERRALS = "reward-referrals"
PAGE = 100


def reward_due(now: datetime, *, shards: Iterable[int] | None = None,
               max_referrals: int | None = None) -> dict[str, Any]:
    rule = store.get_rule()
    rewarded = inviters = errors = seen = 0
    complete = True
    for shard in sorted(set(range(DUE_SHARDS) if shards is None else shards)):
        for item in store.due_items(shard, now, PAGE):
            if not isinstance(item, ReferralItem):
                continue
            if max_referrals is not None and seen >= max_referrals:
                complete = False
                break
            seen += 1
            try:
                outcome = rewarding.reward(store.referral_of_item(item), rule, now)
            except Exception:  # noqa: BLE001 - one referral must not stop the others; the next run retries it
                errors += 1
                logger.exception("referral reward failed")
                continue
            rewarded += outcome.rewarded
            inviters += outcome.inviter_rewarded
    if errors:
        count("ReferralJobErrors", errors)
    return {"job": REWARD_REFERRALS, "now": iso(now), "referralsRewarded": rewarded, "invitersRewarded": inviters,
            "errors": errors, "complete": complete}


def run_scheduled(event_time: str, detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """The scheduled (EventBridge) invocation: ``now`` is the event's time unless the detail carries one
    (an on-demand run, ``make job JOB=reward-referrals``)."""
    detail = dict(detail or {})
    try:
        now = scheduled_now(REWARD_REFERRALS, event_time, detail, ("maxReferrals", "shards"))
        summary = reward_due(now, shards=detail.get("shards"), max_referrals=detail.get("maxReferrals"))
        logger.info("referral rewards finished", extra={"summary": summary})
        return summary
    finally:
        flush_metrics()
