"""Transfers to a wallet (payouts) through the port: WeChat Pay v3's transfer_batch against
the fake WeChat Pay (real signing and answer verification, offline), and the simulation."""
from __future__ import annotations

import pytest

from chalicelib.adapters.payments import PaymentError, PaymentRejected, TransferRequest, TransferResult, TransferStatus
from chalicelib.adapters.payments.simulated import SimulatedPayments
from tests.adapters.payments.fake_wechatpay import OPENID, Scripted


def _request(out_no: str = "01JCOMMISSIONWITHDRAWAL001", amount: int = 500) -> TransferRequest:
    return TransferRequest(out_no=out_no, payee_openid=OPENID, amount=amount, description="团长佣金提现 commission")


def test_a_transfer_is_one_signed_batch_of_one_and_answers_its_detail(wxpay, fake):
    result = wxpay.transfer(_request())
    assert result.status is TransferStatus.SUCCESS and result.failure is None and result.provider_transfer_id
    post = next(r for r in fake.requests if r["method"] == "POST")
    assert post["signed"] and post["path"] == "/v3/transfer/batches"
    assert post["body"]["total_amount"] == 500 and post["body"]["total_num"] == 1
    (detail,) = post["body"]["transfer_detail_list"]
    assert (detail["out_detail_no"], detail["openid"], detail["transfer_amount"]) == (
        "01JCOMMISSIONWITHDRAWAL001", OPENID, 500)


def test_asking_again_with_the_number_answers_that_transfer_and_never_pays_twice(wxpay, fake):
    fake.transfer_status = "PROCESSING"
    assert wxpay.transfer(_request()).status is TransferStatus.PROCESSING
    fake.transfers["01JCOMMISSIONWITHDRAWAL001"]["detail"]["detail_status"] = "SUCCESS"
    assert wxpay.transfer(_request()).status is TransferStatus.SUCCESS  # the POST refused, the detail read
    assert len(fake.transfers) == 1
    with pytest.raises(PaymentRejected, match="different transfer"):
        wxpay.transfer(_request(amount=600))


def test_a_failed_transfer_reports_the_reason_code_only(wxpay, fake):
    fake.transfer_status = "FAIL"
    assert wxpay.transfer(_request()) == TransferResult("01JCOMMISSIONWITHDRAWAL001", TransferStatus.FAILED,
                                                        "ACCOUNT_FROZEN", fake.transfers[
                                                            "01JCOMMISSIONWITHDRAWAL001"]["detail"]["detail_id"])


@pytest.mark.parametrize("status, code, error", [(500, "SYSTEM_ERROR", PaymentError),
                                                 (429, "FREQUENCY_LIMITED", PaymentError),
                                                 (403, "NOT_ENOUGH", PaymentRejected)])
def test_transfer_errors_map_to_retryable_or_final_without_the_payee(wxpay, fake, status, code, error):
    fake.script("POST /v3/transfer/batches", Scripted(status, {"code": code, "message": "出错了"}))
    with pytest.raises(error, match=f"{status} {code}") as raised:
        wxpay.transfer(_request())
    assert OPENID not in str(raised.value) and OPENID not in repr(_request())


@pytest.mark.parametrize("out_no", ["bad-number", "1234", "x" * 33])
def test_a_bad_transfer_number_is_refused_without_calling_wechat(wxpay, fake, out_no):
    with pytest.raises(PaymentRejected):
        wxpay.transfer(_request(out_no))
    assert fake.requests == []


def test_the_simulation_pays_once_per_number_and_injects_faults():
    payments = SimulatedPayments("k" * 16)
    assert payments.transfer(_request()).status is TransferStatus.SUCCESS
    assert payments.transfer(_request()).status is TransferStatus.SUCCESS and len(payments.transfers()) == 1
    payments.fail_next_transfers(1)
    with pytest.raises(PaymentError):
        payments.transfer(_request("SECOND0001"))
    payments.refuse_next_transfers(1, "NAME_MISMATCH")
    assert payments.transfer(_request("SECOND0001")).failure == "NAME_MISMATCH"
    payments.process_next_transfers_slowly(1)
    assert payments.transfer(_request("THIRD00001")).status is TransferStatus.PROCESSING
    assert payments.transfer(_request("THIRD00001")).status is TransferStatus.SUCCESS
    kept = SimulatedPayments("k" * 16)
    kept.import_state(payments.export_state())
    assert kept.transfers() == payments.transfers()
    assert OPENID not in str(payments.export_state())
