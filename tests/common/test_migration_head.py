"""The start-up check that skips Alembic when a database is already at its newest schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from backend.cli import ALEMBIC_INI, upgrade_database
from backend.cli import alembic_config as backend_config
from bot.storage import schema
from common.migration_head import is_at_head, script_heads
from tests.backend.conftest import make_settings
from tests.helpers.services import private_schema

BOT_VERSIONS = schema.MIGRATIONS / "versions"
BACKEND_VERSIONS = ALEMBIC_INI.with_name("alembic") / "versions"


@pytest.mark.parametrize("config", [
    schema.alembic_config("sqlite://"), backend_config(make_settings("sqlite://"))],
    ids=["assistant", "backend"])
def test_heads_read_from_the_scripts_are_alembics(config: Config) -> None:
    versions = Path(str(config.get_main_option("script_location"))) / "versions"
    assert script_heads(versions) == frozenset(ScriptDirectory.from_config(config).get_heads())


def test_a_merge_has_both_parents_and_one_head(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text("revision: str = 'b'\ndown_revision: str | None = 'a'\n")
    (tmp_path / "c.py").write_text('revision = "c"\ndown_revision = "a"\n')
    (tmp_path / "m.py").write_text('revision = "m"\ndown_revision = ("b", "c")\n')
    assert script_heads(tmp_path) == {"m"}


@pytest.mark.parametrize("script", [
    'revision = """n"""\ndown_revision = "b"\n',  # a revision line written another way
    'revision = "n"\n',  # no down_revision line
    'revision = "n"\ndown_revision = (\n    "b",\n    "c",\n)\n',  # a merge over lines
    'revision = "n"\ndown_revision = PARENT\n',  # a name, not a quoted revision
])
def test_any_doubt_about_a_script_means_no_heads(tmp_path: Path, script: str) -> None:
    """No heads: the caller runs Alembic rather than skip a migration it could not read."""
    (tmp_path / "a.py").write_text('revision = "b"\ndown_revision = None\n')
    (tmp_path / "n.py").write_text(script)
    assert script_heads(tmp_path) == frozenset()


def test_editor_and_private_files_are_not_scripts(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / ".#a.py").symlink_to(tmp_path / "gone")  # an Emacs lock file
    assert script_heads(tmp_path) == {"a"}


def test_an_unreadable_script_means_no_heads(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").symlink_to(tmp_path / "gone")
    assert script_heads(tmp_path) == frozenset()


def test_the_assistants_database_is_at_head_only_after_its_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    sync = schema.sync_url(url)
    assert not is_at_head(sync, BOT_VERSIONS, schema.VERSION_TABLE)  # no database yet
    schema.upgrade(url)
    assert is_at_head(sync, BOT_VERSIONS, schema.VERSION_TABLE)
    assert not is_at_head(sync, BOT_VERSIONS)  # another table: the backend's name
    command.downgrade(schema.alembic_config(url), "-1")
    assert not is_at_head(sync, BOT_VERSIONS, schema.VERSION_TABLE)
    schema.upgrade(url)  # the older database is upgraded again, not skipped
    assert is_at_head(sync, BOT_VERSIONS, schema.VERSION_TABLE)


@pytest.mark.postgres
def test_the_backends_postgresql_database_is_at_head_after_its_upgrade(
        request: pytest.FixtureRequest) -> None:
    with private_schema("msz_head") as url:
        assert not is_at_head(url, BACKEND_VERSIONS)
        upgrade_database(make_settings(url))
        assert is_at_head(url, BACKEND_VERSIONS)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
        engine.dispose()
        assert not is_at_head(url, BACKEND_VERSIONS)


def test_a_database_that_cannot_be_opened_is_left_to_alembic(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}"
    assert not is_at_head(missing, BACKEND_VERSIONS)
