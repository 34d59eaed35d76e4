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


def test_money_is_written_one_way_per_language_in_whole_shillings() -> None:
    catalogs = Catalogs(REPO / "locales")
    assert catalogs.for_locale("en").money(Decimal("1050")) == "KES 1,050"
    assert catalogs.for_locale("sw").money(1050) == "KSh 1,050"
    assert catalogs.for_locale("en").money(0) == "KES 0"


def test_moments_are_nairobi_time_on_the_24_hour_clock() -> None:
    catalogs = Catalogs(REPO / "locales")
    moment = datetime(2025, 3, 1, 15, 5, tzinfo=UTC)
    assert catalogs.for_locale("en").datetime(moment) == "1 March 2025, 18:05"
    assert catalogs.for_locale("sw").datetime(moment) == "1 Machi 2025, 18:05"
    assert catalogs.for_locale("en").date(date(2025, 3, 1)) == "1 March 2025"
    assert catalogs.for_locale("sw").date(date(2025, 3, 1)) == "1 Machi 2025"


def test_pgettext_gives_each_context_its_own_translation() -> None:
    swahili = Catalogs(REPO / "locales").for_locale("sw")
    assert swahili.pgettext("payment status", "cancelled") == "yameghairiwa"  # malipo, class 6
    assert swahili.pgettext("ticket status", "cancelled") == "imeghairiwa"  # tiketi, class 9


def test_uncompiled_catalog_is_compiled_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "sw" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    folder.joinpath("messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Yes"\nmsgstr "Ndiyo"\n', encoding="utf-8")
    assert Catalogs(tmp_path, ("en", "sw")).for_locale("sw").gettext("Yes") == "Ndiyo"
