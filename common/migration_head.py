"""Tell whether a database is already at its newest schema, without importing Alembic.

Every start used to run `alembic upgrade head`, and importing Alembic alone took about 0.4 s
of a worker's start. The heads are read from the migration scripts' `revision` and
`down_revision` lines (tests check they agree with Alembic's own reading); when the
database's version table names exactly those heads, there is nothing to upgrade. On any doubt
(no table, another revision, an unreadable database) the caller runs Alembic as before.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import String, column, create_engine, pool, select, table
from sqlalchemy.exc import SQLAlchemyError

_REVISION = re.compile(r"^revision(?:\s*:[^=]*)?\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?\s*=\s*(.+)$", re.M)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def script_heads(versions: Path) -> frozenset[str]:
    """Return the revisions of the scripts in `versions` that no other script revises."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if (revision := _REVISION.search(source)) is None:
            continue
        revisions.add(revision.group(1))
        if (down := _DOWN.search(source)) is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - parents)


def is_at_head(url: str, versions: Path, version_table: str = "alembic_version") -> bool:
    """Return True when the database at `url` (a synchronous URL) is at the scripts' heads."""
    heads = script_heads(versions)
    if not heads:
        return False
    query = select(column("version_num", String)).select_from(table(version_table))
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(query)
            return frozenset(str(row[0]) for row in rows) == heads
    except SQLAlchemyError:
        return False  # no table yet, or no database: Alembic creates them
    finally:
        engine.dispose()
