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
    """Return the revisions of the scripts in `versions` that no other script revises.

    Any doubt gives no heads (so the caller runs Alembic): a script whose `revision` or
    `down_revision` line these patterns cannot read, or a file that cannot be read.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        scripts = [p for p in versions.glob("*.py") if not p.name.startswith((".", "_"))]
        sources = [path.read_text(encoding="utf-8") for path in scripts]
    except (OSError, UnicodeDecodeError):
        return frozenset()
    for source in sources:
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            return frozenset()
        value = down.group(1).split("#", 1)[0].strip()
        named = _QUOTED.findall(value)
        if (value != "None" and not named) or value.count("(") != value.count(")"):
            return frozenset()  # a down_revision written some other way (over several lines)
        revisions.add(revision.group(1))
        parents.update(named)
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
