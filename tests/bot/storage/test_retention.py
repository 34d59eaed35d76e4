"""Transcripts older than the retention period are deleted; recent ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import Runtime, sealing_keys
from bot.storage.models import ConversationRow, MessageRow
from bot.storage.retention import RetentionPurger
from bot.storage.sealing import Sealer
from common.timezone import utcnow
from tests.helpers.dialog import DialogHarness


async def test_purge_deletes_old_messages_and_idle_histories(runtime: Runtime, dialog: DialogHarness) -> None:
    await dialog.say("how much is a passport")
    recent = DialogHarness(runtime)
    await recent.say("hello")
    old = utcnow() - timedelta(days=100)
    sealer = Sealer(sealing_keys(runtime.settings))
    # a session stored before transcripts were read from the log carries its own lines
    legacy = {"locale": "en", "history": [{"role": "citizen", "text": "how much is a passport",
                                           "at": old.isoformat()}]}
    async with runtime.engine.begin() as connection:
        await connection.execute(update(MessageRow)
                                 .where(MessageRow.conversation_id == f"test:{dialog.sender}")
                                 .values(created_at=old))
        await connection.execute(update(ConversationRow)
                                 .where(ConversationRow.id == f"test:{dialog.sender}")
                                 .values(updated_at=old, state=sealer.seal(legacy)))
    purged = await RetentionPurger(runtime.engine, timedelta(days=90), sealer).purge()
    assert (purged.messages, purged.histories) == (2, 1)
    assert await runtime.store.messages_after(f"test:{dialog.sender}", 0) == []
    async with runtime.engine.connect() as connection:
        state = (await connection.execute(select(ConversationRow.state).where(
            ConversationRow.id == f"test:{dialog.sender}"))).scalar_one()
    assert sealer.open(state)["history"] == []
    assert len(await runtime.store.messages_after(f"test:{recent.sender}", 0)) == 2
