"""Names of the assistant's Redis keys and channels: whose they are is a keyed hash.

A conversation id holds a phone number (`whatsapp:2547...`) and a quota an address; Redis shows
key and channel names to anyone with `MONITOR`, `SLOWLOG` or `PUBSUB CHANNELS`. A hash without
a key gives them back in seconds (every Kenyan mobile number is a small space), so the hash is
keyed with a secret every worker shares.
"""

from __future__ import annotations

import hashlib

CHANNEL_PREFIX = "msaidizi:conversation:"


class RedisNames:
    """Builds the key of a conversation's lock, its announcement channel and a quota window."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"msaidizi redis names\x00" + secret).digest()

    def tag(self, whose: str) -> str:
        """Return the keyed hash that stands for a conversation id or an address."""
        return hashlib.blake2b(whose.encode(), key=self._key, digest_size=16).hexdigest()

    def lock(self, conversation_id: str) -> str:
        """Return the key of the conversation's lock."""
        return f"msaidizi:lock:{self.tag(conversation_id)}"

    def channel(self, conversation_id: str) -> str:
        """Return the channel that announces the conversation's news to every worker."""
        return CHANNEL_PREFIX + self.tag(conversation_id)

    def quota(self, name: str, whose: str, amount: int, seconds: int) -> str:
        """Return the key of one quota window ("messages", 30 a 60 s, for one chat)."""
        return f"msaidizi:quota:{name}:{amount}/{seconds}:{self.tag(whose)}"
