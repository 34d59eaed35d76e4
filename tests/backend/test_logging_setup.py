import logging

from backend.logging_setup import SecretUrlFilter, logging_config
from privacy import RedactingFilter


def _filtered(message: str) -> str:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, message, None, None)
    SecretUrlFilter().filter(record)
    RedactingFilter().filter(record)
    return record.getMessage()


def test_access_log_hides_callback_token_and_link_signature() -> None:
    line = _filtered('"POST /api/v1/mpesa/callback/s3cret-token HTTP/1.1" 200')
    assert "s3cret" not in line and "/mpesa/callback/***" in line
    line = _filtered('"GET /receipts/SJK4XY12AB?exp=1735725600&sig=abcDEF_123 HTTP/1.1" 200')
    assert "abcDEF_123" not in line and "SJK4XY12AB" not in line


def test_personal_data_is_masked() -> None:
    line = _filtered("OTP for 254712345678 / ID 12345678")
    assert "254712345678" not in line and "12345678" not in line


def test_logging_config_filters_every_handler() -> None:
    config = logging_config()
    assert config["handlers"]["default"]["filters"] == ["request_id", "secrets", "personal_data"]
    assert config["loggers"]["uvicorn.access"]["handlers"] == ["default"]
