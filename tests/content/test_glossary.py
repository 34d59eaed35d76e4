"""The glossary holds: one name per thing and language, in the assistant's own messages too."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.content.test_catalogs import load, messages
from tools.faq.glossary_lint import glossary_texts, load_glossary

GLOSSARY = load_glossary(REPO / "knowledge" / "glossary.yaml")


def test_every_term_is_named_in_both_languages_and_never_avoids_itself() -> None:
    for term in GLOSSARY.terms:
        assert set(term.names) == {"en", "sw"}, term.id
        for language, name in term.names.items():
            assert [t.id for _, t in GLOSSARY.findings(name, language) if t.id == term.id] == [], \
                f"{term.id}: {name!r} matches one of its own spellings to avoid"
    assert len({t.id for t in GLOSSARY.terms}) == len(GLOSSARY.terms)


@pytest.mark.parametrize("language", ["en", "sw"])
def test_the_assistants_messages_use_the_glossary_wording(language: str) -> None:
    said = [msgstr for _, msgstr in messages(load(language)) if msgstr]
    assert glossary_texts(GLOSSARY, said, language) == []


def test_a_spelling_to_avoid_is_found_outside_quotes_only() -> None:
    found = glossary_texts(GLOSSARY, ["Pakua stakabadhi yako.", "Bonyeza \"stakabadhi\"."], "sw")
    assert found == [("Pakua stakabadhi yako.", "stakabadhi", "receipt")]


def test_a_term_glossed_with_another_terms_name_is_found() -> None:
    said = ["Ada ya huduma (convenience fee): %(fee)s", "Ada ya huduma (service fee): %(fee)s",
            "Ada ya matumizi ya eCitizen (convenience fee): %(fee)s"]
    assert glossary_texts(GLOSSARY, said, "sw") == [
        ("Ada ya huduma (convenience fee): %(fee)s", "Ada ya huduma (convenience fee)",
         "convenience_fee")]
