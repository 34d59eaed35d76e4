"""Hot reload: watch the knowledge folder and swap in the new version within a second or two."""

from __future__ import annotations

import asyncio
import logging

from watchfiles import awatch

from bot.knowledge.live import LiveKnowledge

logger = logging.getLogger(__name__)

DEBOUNCE_MS = 150  # editors save several files at once; one reload for the whole burst


async def watch_knowledge(live: LiveKnowledge, stop: asyncio.Event) -> None:
    """Reload `live` whenever a file under its folder changes, until `stop` is set.

    The fit runs in a worker thread so conversations keep being answered meanwhile; a
    broken file is reported and the last good version of it stays live.
    """
    async for changes in awatch(live.root, stop_event=stop, debounce=DEBOUNCE_MS,
                                step=50, recursive=True):
        paths = sorted({path for _, path in changes})
        logger.info("Knowledge changed (%d files); reloading", len(paths))
        try:
            problems = await asyncio.to_thread(live.reload, quick=True)
            await asyncio.to_thread(live.reload)  # the full fit, a moment later
        except Exception:
            logger.exception("Knowledge reload failed; the previous version stays live")
            continue
        for problem in problems:
            if problem.severity == "error":
                logger.error("Knowledge problem (previous version kept): %s", problem)
