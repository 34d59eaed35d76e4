"""Old home of the database plumbing, kept only for bot/combined.py (moved to backend.core.db).

Delete this module once bot/combined.py imports `backend.core.db` and `common.timezone`.
"""

from backend.core.db import make_engine, make_sessionmaker
from common.timezone import utcnow

__all__ = ["make_engine", "make_sessionmaker", "utcnow"]
