"""Signed, expiring links a citizen can open in a browser (receipts)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote

from backend.config import BackendSettings


class LinkSigner:
    """HMAC-signs `purpose:subject:expiry` with the server's `link_secret`."""

    def __init__(self, settings: BackendSettings) -> None:
        self._settings = settings
        self._key = settings.link_secret.get_secret_value().encode()

    def signature(self, purpose: str, subject: str, expires: int) -> str:
        """Return the URL-safe signature for one link."""
        mac = hmac.new(self._key, f"{purpose}:{subject}:{expires}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")

    def receipt_url(self, receipt_no: str, now: datetime) -> tuple[str, datetime]:
        """Return the signed download URL of a receipt and when it stops working."""
        expires_at = now + self._settings.receipt_link_ttl
        expires = int(expires_at.timestamp())
        sig = self.signature("receipt", receipt_no, expires)
        path = f"/receipts/{quote(receipt_no)}?exp={expires}&sig={sig}"
        return self._settings.url(path), expires_at

    def check(self, purpose: str, subject: str, expires: int, sig: str, now: datetime) -> bool:
        """Tell whether a link's signature is right and it has not expired."""
        expected = self.signature(purpose, subject, expires)
        # bytes: compare_digest refuses non-ASCII str, and a link is whatever a browser sends
        same = hmac.compare_digest(expected.encode(), sig.encode("utf-8", "surrogatepass"))
        return same and now.timestamp() <= expires
