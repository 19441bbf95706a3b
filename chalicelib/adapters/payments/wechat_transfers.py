"""Payouts to a user's WeChat wallet (商家转账到零钱) for ``WechatPayV3.transfer``, through
``wechatpayv3`` 2.0.4's ``transfer_batch`` (POST /v3/transfer/batches) and its detail
query (GET /v3/transfer/batches/out-batch-no/{no}/details/out-detail-no/{no}).

One transfer is a batch of one: the transfer number is both the batch's
``out_batch_no`` and its detail's ``out_detail_no``, so asking again with it finds
that transfer. WeChat accepts a batch first and pays it moments later, so after an
accepted POST the detail is read once: SUCCESS or FAIL when it is decided, else
PROCESSING (asked again later under the same number). A POST refused with a 4xx may
be a number already used, by this very transfer sent before (a retry after a lost
answer): the detail is looked up before the refusal is reported as final, as refunds do.

The payee's openid goes only into the request body; no message here carries it.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.payments import (
    PaymentError,
    PaymentRejected,
    TransferRequest,
    TransferResult,
    TransferStatus,
)

if TYPE_CHECKING:
    from chalicelib.adapters.payments.wechat import WechatPayV3

_OUT_NO = re.compile(r"^[0-9A-Za-z]{5,32}$")  # WeChat: letters and digits only, unique per merchant
_REMARK_CHARACTERS = 32  # batch_name, batch_remark and transfer_remark: at most 32 characters
_REASON = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")  # a code (ACCOUNT_FROZEN...), never free text
_DETAIL_STATES = {"SUCCESS": TransferStatus.SUCCESS, "FAIL": TransferStatus.FAILED,
                  "INIT": TransferStatus.PROCESSING, "WAIT_PAY": TransferStatus.PROCESSING,
                  "PROCESSING": TransferStatus.PROCESSING}


def transfer(adapter: WechatPayV3, request: TransferRequest) -> TransferResult:
    if not isinstance(request.out_no, str) or not _OUT_NO.match(request.out_no):
        raise PaymentRejected("the transfer number is not valid for WeChat Pay")
    if isinstance(request.amount, bool) or not isinstance(request.amount, int) or request.amount <= 0:
        raise PaymentRejected("the amount must be a positive whole number of fen")
    if not request.payee_openid or not request.description:
        raise PaymentRejected("a payee and a description are required")
    remark = request.description[:_REMARK_CHARACTERS]
    status, text = adapter._call(lambda: adapter._pay.transfer_batch(
        out_batch_no=request.out_no, batch_name=remark, batch_remark=remark, total_amount=request.amount,
        total_num=1, transfer_detail_list=[{"out_detail_no": request.out_no, "transfer_amount": request.amount,
                                            "transfer_remark": remark, "openid": request.payee_openid}]))
    try:
        adapter._answer(status, text, "transfer")
    except PaymentRejected:
        existing = _detail(adapter, request)
        if existing is not None:
            return existing
        raise
    return _detail(adapter, request) or TransferResult(request.out_no, TransferStatus.PROCESSING)


def _detail(adapter: WechatPayV3, request: TransferRequest) -> TransferResult | None:
    status, text = adapter._call(lambda: adapter._pay.transfer_query_out_detail_no(
        out_detail_no=request.out_no, out_batch_no=request.out_no))
    if status == 404:
        return None  # not (yet) known: a batch just accepted is still being split into details
    detail: dict[str, Any] = adapter._answer(status, text, "look the transfer up")
    if detail.get("transfer_amount") != request.amount:
        raise PaymentRejected("the transfer number is already used by a different transfer")
    state = _DETAIL_STATES.get(detail.get("detail_status"))  # type: ignore[arg-type]
    if state is None:
        raise PaymentError("WeChat Pay answered the transfer with an unknown status")
    failure = None
    if state is TransferStatus.FAILED:
        reason = detail.get("fail_reason")
        failure = reason if isinstance(reason, str) and _REASON.match(reason) else "FAIL"
    return TransferResult(request.out_no, state, failure, detail.get("detail_id"))
