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

    Each change goes live with a quick fit from the live model; the full fit then runs in
    the background (minutes on thousands of articles) and is repeated until no edit arrived
    while it ran. Fits run in worker threads so conversations keep being answered; a broken
    file is reported and the last good version of it stays live.
    """
    full: asyncio.Task[None] | None = None
    live.allow_fitting()
    try:
        async for changes in awatch(live.root, stop_event=stop, debounce=DEBOUNCE_MS,
                                    step=50, recursive=True):
            paths = sorted({path for _, path in changes})
            logger.info("Knowledge changed (%d files); reloading", len(paths))
            try:
                problems = await asyncio.to_thread(live.reload, quick=True)
            except Exception:
                logger.exception("Knowledge reload failed; the previous version stays live")
                continue
            if full is None or full.done():
                full = asyncio.create_task(_full_refit(live))
            for problem in problems:
                if problem.severity == "error":
                    logger.error("Knowledge problem (previous version kept): %s", problem)
    finally:
        live.stop_fitting()  # the refit's thread would otherwise hold up the worker's exit
        if full is not None:
            full.cancel()


async def _full_refit(live: LiveKnowledge) -> None:
    """Fit the whole model again until a fit finishes with no newer edit gone live."""
    while True:
        try:
            await asyncio.to_thread(live.reload)
        except Exception:
            logger.exception("Full knowledge refit failed; the quick fit stays live")
            return
        if not live.superseded:
            return
