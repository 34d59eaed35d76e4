"""Catalog loading and Babel formats for Kenya."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from bot.i18n import Catalogs
from tests.conftest import REPO


def test_catalogs_translate_and_fall_back_to_default() -> None:
    catalogs = Catalogs(REPO / "locales")
    assert catalogs.for_locale("sw").gettext("Main menu") == "Menyu kuu"
    assert catalogs.for_locale("en").gettext("Main menu") == "Main menu"
    assert catalogs.for_locale("fr").locale == "en"


def test_money_is_kes_formatted_per_locale() -> None:
    catalogs = Catalogs(REPO / "locales")
    assert catalogs.for_locale("en").money(Decimal("1050")) == "Ksh1,050.00"
    assert catalogs.for_locale("sw").money(1050) == "Ksh\xa01,050.00"


def test_datetime_is_shown_in_nairobi_time() -> None:
    catalogs = Catalogs(REPO / "locales")
    moment = datetime(2025, 3, 1, 10, 5, tzinfo=UTC)
    assert "13:05" in catalogs.for_locale("en").datetime(moment)
    assert "Mac" in catalogs.for_locale("sw").datetime(moment)
    assert catalogs.for_locale("sw").date(date(2025, 3, 1)) == "1 Machi 2025"


def test_uncompiled_catalog_is_compiled_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "sw" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    folder.joinpath("messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Yes"\nmsgstr "Ndiyo"\n', encoding="utf-8")
    assert Catalogs(tmp_path, ("en", "sw")).for_locale("sw").gettext("Yes") == "Ndiyo"
