"""Web workers leave the deployment's background work (and Telegram polling) to one process."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.app import build_runtime
from bot.channels.telegram_setup import build_telegram_channel, telegram_status
from bot.config import BotSettings, TelegramSettings
from bot.knowledge.live import LiveKnowledge


@pytest.mark.parametrize("background", [True, False])
async def test_only_the_background_process_polls_telegram_and_runs_the_sweeps(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, background: bool,
) -> None:
    telegram = TelegramSettings(token=SecretStr("123456:test-token-for-placement"),
                                api_base_url="http://127.0.0.1:9")
    settings = bot_settings.model_copy(update={"run_background": background,
                                               "telegram": telegram, "watch_knowledge": True})
    runtime = build_runtime(settings, knowledge=fixture_knowledge)
    try:
        channel = build_telegram_channel(runtime)
        assert channel is not None
        assert (channel.poller is not None) is background
        assert "background worker" in telegram_status(settings) or background
        await runtime.start()
        running = len(runtime._tasks)
        assert running == len(runtime.local) + (len(runtime.background) if background else 0)
        assert len(runtime.local) == 1  # the knowledge watcher refits every process's matcher
        await channel.close()
    finally:
        await runtime.close()
