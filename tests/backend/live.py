"""The backend tests' live server: the shared loopback server of tests/helpers/server.py."""

from __future__ import annotations

from tests.helpers.server import LiveServer as BackendServer
from tests.helpers.server import free_port

__all__ = ["BackendServer", "free_port"]
