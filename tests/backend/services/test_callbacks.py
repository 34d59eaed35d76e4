import pytest

from backend.services.callbacks import parse_stk_callback
from tests.backend.helpers import stk_callback


def test_parse_success_reads_items_by_name() -> None:
    body = stk_callback("ws_CO_1", 0, receipt="OEB44R5U3U", amount=1.0)
    items = body["Body"]["stkCallback"]["CallbackMetadata"]["Item"]
    items.reverse()  # order must not matter
    parsed = parse_stk_callback(body)
    assert parsed is not None
    assert parsed.receipt_number == "OEB44R5U3U"
    assert parsed.amount == 1
    assert parsed.metadata["Balance"] is None  # Daraja sends {"Name": "Balance"} without Value


def test_parse_failure_has_no_metadata() -> None:
    parsed = parse_stk_callback(stk_callback("ws_CO_1", 1032))
    assert parsed is not None
    assert (parsed.result_code, parsed.receipt_number, parsed.amount) == (1032, None, None)


def test_parse_result_code_as_string_is_accepted() -> None:
    body = stk_callback("ws_CO_1", 1)
    body["Body"]["stkCallback"]["ResultCode"] = "1"
    parsed = parse_stk_callback(body)
    assert parsed is not None and parsed.result_code == 1


@pytest.mark.parametrize(
    "body",
    [None, [], {}, {"Body": None}, {"Body": {"stkCallback": {"ResultCode": 0}}},
     {"Body": {"stkCallback": {"CheckoutRequestID": "", "ResultCode": 0}}},
     {"Body": {"stkCallback": {"CheckoutRequestID": "c", "ResultCode": "x"}}}],
)
def test_parse_malformed_gives_none(body: object) -> None:
    assert parse_stk_callback(body) is None


def test_parse_odd_metadata_is_ignored() -> None:
    body = {"Body": {"stkCallback": {"CheckoutRequestID": "c", "ResultCode": 0,
                                     "CallbackMetadata": "oops"}}}
    parsed = parse_stk_callback(body)
    assert parsed is not None and parsed.metadata == {}
