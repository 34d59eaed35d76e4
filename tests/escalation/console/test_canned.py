"""Built-in canned replies: English in the code, every other language from the catalogs."""

from __future__ import annotations

import pytest

from backend.core.domain import Language
from escalation.console.canned import BUILTIN, builtin_replies


def test_builtin_replies_are_numbered_as_before_english_then_swahili() -> None:
    ids = [r.id for lang in Language for r in builtin_replies(lang)]
    assert ids == [f"builtin-{i}" for i in range(2 * len(BUILTIN))]


def test_swahili_builtin_replies_come_from_the_catalog_in_the_glossarys_words() -> None:
    swahili = {r.title: r.text for r in builtin_replies(Language.SW)}
    assert swahili["Salamu"].startswith("Habari, jina langu ni {agent}, mhudumu wa eCitizen.")
    assert "msimbo wa mara moja" in swahili["Omba nambari ya kumbukumbu"]
    assert all(r.language is Language.SW and r.builtin for r in builtin_replies(Language.SW))


@pytest.mark.parametrize("language", list(Language))
def test_every_builtin_reply_keeps_the_agent_placeholder_it_had(language: Language) -> None:
    english = builtin_replies(Language.EN)
    for source, shown in zip(english, builtin_replies(language), strict=True):
        assert ("{agent}" in source.text) == ("{agent}" in shown.text)
