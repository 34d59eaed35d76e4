"""Read a request body with a size limit, refusing early rather than buffering what we won't use."""

from __future__ import annotations

from fastapi import Request

from backend.core.problems import ProblemError


async def read_body(request: Request, limit: int) -> bytes:
    """Return the body, or raise 413 `body-too-large` once it exceeds `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ProblemError:
    return ProblemError(413, "body-too-large", f"The request body is larger than {limit} bytes.")
