"""A loopback TCP proxy that can stop passing bytes, as a network partition would."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class StallingProxy:
    """Forward connections to `host:port`; once `stall()`ed, hold every byte either way.

    Stalled, the connections stay open and nothing arrives, as when the peer's host froze
    or the network between dropped everything; new connections are refused (a partitioned
    address does not answer either, and a refusal keeps tests from waiting on connect).
    """

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._stalled = asyncio.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    def stall(self) -> None:
        """Hold every byte from now on, and refuse new connections."""
        self._stalled.set()
        self._held = set(self._writers)

    def heal(self) -> None:
        """Forward new connections again; those open while stalled stay held for good."""
        self._stalled.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._stalled.is_set():
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, upstream_writer}
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)  # type: ignore[arg-type]
        with contextlib.suppress(asyncio.CancelledError):  # the proxy's end, not a failure
            await asyncio.gather(self._pipe(reader, upstream_writer),
                                 self._pipe(upstream_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                if self._stalled.is_set() or writer in self._held:
                    await asyncio.Future()  # held for good, as the peer's end was lost
                writer.write(data)
                await writer.drain()
        writer.close()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[StallingProxy]:
        """Serve on a free loopback port until the block ends."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            self._server.close()
            for task in self._tasks:
                task.cancel()
            for writer in self._writers:
                writer.close()
            await asyncio.gather(*self._tasks, return_exceptions=True)
