"""`msaidizi faq lint` finds what editors must fix, at the right file:line, in plain words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.faq import catalogue_fees
from bot.core.placeholders import Fee
from bot.knowledge.loader import load_knowledge
from tests.tools.faq.conftest import edit
from tools.faq.glossary_lint import Glossary, Term
from tools.faq.lint import lint

TODAY = date(2026, 11, 28)
FEES = {"passport_34": Fee(7500, 50), "good_conduct": Fee(1000, 50)}


def messages(folder: Path, **kwargs: object) -> list[str]:
    return [str(p) for p in lint(load_knowledge(folder), today=TODAY, **kwargs)]  # type: ignore[arg-type]


def lines_of(path: Path, text: str) -> int:
    return next(i + 1 for i, line in enumerate(path.read_text().splitlines()) if text in line)


def test_lint_clean_fixture_has_no_errors(knowledge_copy: Path) -> None:
    problems = lint(load_knowledge(knowledge_copy), today=TODAY)
    assert [p for p in problems if p.severity == "error"] == []


def test_lint_reports_missing_language(knowledge_copy: Path) -> None:
    (knowledge_copy / "faq" / "password-reset.sw.md").unlink()
    assert any("has no sw version" in m for m in messages(knowledge_copy))


def test_a_broken_file_is_not_reported_as_a_missing_language(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "password-reset.en.md"
    edit(path, "questions:\n", "questions:\n  - \"unclosed quote\n")
    found = messages(knowledge_copy)
    assert any(m.startswith(f"{path}:") and ": error: " in m for m in found)
    assert not any("has no en version" in m for m in found)  # its own error says what to fix


def test_lint_refuses_an_unofficial_source_on_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "mpesa-paybill.en.md"
    edit(path, "source: https://www.kra.go.ke", "source: https://www.standardmedia.co.ke")
    found = [m for m in messages(knowledge_copy) if "is not an official page" in m]
    assert found == [f"{path}:{lines_of(path, 'source:')}: error: https://www.standardmedia.co.ke"
                     "/sw/kituo-cha-habari/matangazo-ya-umma/Malipo-ya-ushuru-ya-2070-kupitia-"
                     "nambari-ya-malipo-222222 is not an official page: citizens see only "
                     "government (.go.ke) pages, the agency's own site or Safaricom for M-Pesa. "
                     "Keep this link under 'notes:' and link the official page that says the "
                     "same, or leave the fact out"]


def test_lint_warns_on_a_home_page_source_on_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    text = path.read_text(encoding="utf-8")
    source = next(line for line in text.splitlines() if line.startswith("source:"))
    edit(path, source, "source: https://www.immigration.go.ke/")
    found = [m for m in messages(knowledge_copy) if "home page" in m]
    assert found == [f"{path}:{lines_of(path, 'source:')}: warning: https://www.immigration.go.ke/ "
                     "is the site's home page: link the page on it that states these facts, so "
                     "that a citizen can check them there; if no official page says them, say "
                     "less"]


def test_lint_accepts_a_home_page_the_editor_marked_as_the_destination(
        knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "source: https://immigration.go.ke/type-and-fees/",
         "source: https://www.immigration.go.ke/\nsource_is_home_page: true")
    assert [m for m in messages(knowledge_copy) if "home page" in m] == []


def test_lint_warns_on_a_home_page_marker_left_on_a_deep_source(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "source: https://immigration.go.ke/type-and-fees/",
         "source: https://immigration.go.ke/type-and-fees/\nsource_is_home_page: true")
    found = [m for m in messages(knowledge_copy) if "home page" in m]
    assert found == [f"{path}:{lines_of(path, 'source_is_home_page:')}: warning: "
                     "source_is_home_page is set but the source is not a home page: remove "
                     "the line"]


def test_lint_refuses_a_home_page_marker_that_is_not_true_or_false(
        knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "source: https://immigration.go.ke/type-and-fees/",
         "source: https://immigration.go.ke/\nsource_is_home_page: deliberately")
    found = [m for m in messages(knowledge_copy) if "source_is_home_page" in m]
    assert found == [f"{path}:{lines_of(path, 'source_is_home_page:')}: error: "
                     "source_is_home_page must be true or false"]


def test_lint_warns_on_a_number_only_the_title_gives(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "title: Passport fees", "title: Passport fees and the 1919 helpline")
    found = [m for m in messages(knowledge_copy) if "the title says" in m]
    assert found == [f"{path}:3: warning: the title says 1919 but the answer never does: a "
                     "number a citizen reads must be backed in the answer and its source, so say "
                     "it there or take it out of the title"]


def test_lint_refuses_a_field_written_twice_on_the_second_ones_line(
        knowledge_copy: Path) -> None:
    # YAML keeps the last of two equal keys: the first list of notes vanished without a word
    path = knowledge_copy / "faq" / "password-reset.en.md"
    edit(path, "reviewed: 2026-09-01", "notes:\n  - an editor's second note\nreviewed: 2026-09-01")
    found = [m for m in messages(knowledge_copy) if "written twice" in m]
    assert found == [f"{path}:{lines_of(path, 'an editor') - 1}: error: 'notes:' is written "
                     "twice: the second replaces the first, and what the first said is lost; "
                     "merge them into one"]


def test_lint_refuses_an_unofficial_link_in_the_answer_on_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "password-reset.en.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nSee https://www.kenyans.co.ke/news/1 for screenshots.\n")
    found = [m for m in messages(knowledge_copy) if "kenyans.co.ke" in m]
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{lines_of(path, 'kenyans.co.ke')}: error:")


def test_lint_warns_on_a_source_line_left_in_the_answer(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "password-reset.en.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nSource: https://www.ecitizen.go.ke\n")
    found = [m for m in messages(knowledge_copy) if "remove this source line" in m]
    assert found and found[0].startswith(f"{path}:{lines_of(path, 'Source:')}: warning:")


def test_lint_notes_are_never_checked_as_citizen_links(knowledge_copy: Path) -> None:
    # the fixture keeps its old, unofficial research links under notes:
    assert "standardmedia" in (knowledge_copy / "faq" / "mpesa-paybill.en.md").read_text()
    assert not any("standardmedia" in m for m in messages(knowledge_copy))


def test_lint_warns_on_stale_review_and_refuses_future_dates(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "faq" / "password-reset.en.md", "reviewed: 2026-09-01", "reviewed: 2025-01-01")
    edit(knowledge_copy / "faq" / "password-reset.sw.md", "reviewed: 2026-09-01", "reviewed: 2027-01-01")
    found = messages(knowledge_copy)
    assert any("warning: last reviewed 2025-01-01" in m for m in found)
    assert any("error: reviewed date 2027-01-01 is in the future" in m for m in found)


def test_lint_reports_duplicate_question_across_articles_with_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "mpesa-paybill.en.md"
    edit(path, "  - paybill for government services", "  - How do I reset my password?")
    found = [m for m in messages(knowledge_copy) if "duplicate example" in m]
    assert len(found) == 1
    assert ":6: error" in found[0] and "password-reset.en.md" in found[0]


def test_lint_points_an_unclosed_list_at_the_line_that_opens_it(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "title: Passport fees", "title: [Passport fees")
    found = [m for m in messages(knowledge_copy) if m.startswith(str(path))]
    assert found == [f"{path}:3: error: cannot read the front matter: a text that starts with '[' "
                     "or '{' is read as a list; close it with ']' or '}', or put the text in "
                     "double quotes (YAML says: expected ',' or ']', but got ':')"]


def test_lint_explains_a_colon_inside_a_question_on_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "questions:\n", "questions:\n  - fee: how much\n")
    found = [m for m in messages(knowledge_copy) if m.startswith(str(path))]
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{lines_of(path, '- fee: how much')}: error:")
    assert "must be put in double quotes" in found[0]


def test_lint_points_a_colon_question_at_its_own_line_not_one_sharing_its_word(
        knowledge_copy: Path) -> None:
    # YAML reads "refund: how long" as {"refund": ...}; an earlier question that merely
    # mentions "refund" is not the line to fix
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "questions:\n", "questions:\n  - passport refund\n  - refund: how long\n")
    found = [m for m in messages(knowledge_copy) if "must be put in double quotes" in m]
    assert [m.split(": error:")[0] for m in found] == [f"{path}:{lines_of(path, '- refund: how')}"]


def test_lint_points_a_quote_left_open_at_the_line_that_opens_it(knowledge_copy: Path) -> None:
    # a double-quoted text runs on until the next quote, so YAML fails many lines below
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "title: Passport fees", "title: \"Passport fees")
    edit(path, "questions:\n", "questions:\n  - \"fee: for a child\"\n")
    found = [m for m in messages(knowledge_copy) if m.startswith(str(path))]
    assert len(found) == 1
    assert found[0].startswith(f"{path}:3: error: cannot read the front matter: a quote opened "
                               "on this line is never closed; add the closing quote")


def test_lint_reports_a_question_cut_at_a_hash(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "questions:\n", "questions:\n  - passport fee #2 for my son\n")
    found = [m for m in messages(knowledge_copy) if "cut at '#'" in m]
    assert found == [f"{path}:{lines_of(path, '#2 for my son')}: error: this text is cut at "
                     "'#': it reads 'passport fee' and drops '#2 for my son'. Put the whole text "
                     "in double quotes, or move a comment to a line of its own"]
    article = load_knowledge(knowledge_copy).articles[("passport-fees", "en")]
    assert "passport fee" in article.questions  # the article still answers, as YAML read it


def test_lint_leaves_a_quoted_hash_and_a_comment_line_alone(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "questions:\n", "questions:  # as citizens type them\n  - \"fee for passport #2\"\n")
    assert not any("cut at" in m for m in messages(knowledge_copy))
    article = load_knowledge(knowledge_copy).articles[("passport-fees", "en")]
    assert "fee for passport #2" in article.questions


def test_lint_reports_yaml_errors_of_intent_files_on_the_right_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "greet.en.yaml"
    path.write_text("intent: greet\nexamples:\n  - hello\n  - report: a: fake caller\n",
                    encoding="utf-8")
    found = [m for m in messages(knowledge_copy) if m.startswith(str(path))]
    assert found and found[0].startswith(f"{path}:4: error: cannot read the file:")


def test_lint_reports_example_that_yaml_reads_as_a_mapping(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "greet.en.yaml"
    path.write_text("intent: greet\nexamples:\n  - hello\n  - report: a fake caller\n", encoding="utf-8")
    found = [m for m in messages(knowledge_copy) if "is not plain text" in m]
    assert found and found[0].startswith(f"{path}:4: error:")


def test_lint_of_a_missing_folder_says_so_instead_of_crashing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["faq", "lint", "--knowledge", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "the knowledge folder does not exist" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_lint_of_a_folder_without_articles_says_where_they_go(tmp_path: Path) -> None:
    found = messages(tmp_path)
    assert any("there is no faq folder" in m for m in found)


def test_lint_refuses_a_typed_amount_the_catalogue_bills(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "tags: [", "services: [passport_34]\ntags: [")
    found = [m for m in messages(knowledge_copy, fees=FEES) if "typed by hand" in m]
    assert found == [f"{path}:{lines_of(path, 'KES 7,500')}: error: KES 7,500 is typed by hand, "
                     "but the catalogue that bills this service has it: write "
                     "{service_fee:passport_34} so the answer always matches the bill"]


def test_lint_warns_on_an_amount_that_equals_a_bill_elsewhere(knowledge_copy: Path) -> None:
    found = [m for m in messages(knowledge_copy, fees=FEES) if "is what the catalogue bills" in m]
    assert len(found) == 2  # KES 1,050 in the good-conduct fixture, en and sw
    assert "write {fee:good_conduct}" in found[0] and ": warning:" in found[0]


@pytest.mark.parametrize(("typed", "advice"), [
    ("{fee:pasport_34}", "'pasport_34' is not a service of the catalogue "
     "(backend/catalogue_data.py); use one of: good_conduct, passport_34"),
    ("{fees:passport_34}", "unknown placeholder {fees:passport_34}: write {fee:passport_34}, "
     "{service_fee:passport_34} or {convenience_fee:passport_34}"),
])
def test_lint_refuses_an_unknown_service_code_or_placeholder_kind(
    knowledge_copy: Path, typed: str, advice: str
) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nTotal {typed}.\n")
    found = [m for m in messages(knowledge_copy, fees=FEES) if m.startswith(str(path))]
    assert found == [f"{path}:{lines_of(path, typed)}: error: {advice}"]


def test_lint_warns_on_a_spelling_the_glossary_avoids(knowledge_copy: Path) -> None:
    glossary = Glossary((Term("receipt", {"en": "receipt", "sw": "risiti"},
                              {"sw": ("stakabadhi",)}),))
    path = knowledge_copy / "faq" / "mpesa-paybill.sw.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nHifadhi stakabadhi yako. Bofya \"Stakabadhi\" kuipakua.\n")
    found = [m for m in messages(knowledge_copy, glossary=glossary) if "glossary" in m]
    assert len(found) == 1  # the quoted portal label is left alone
    assert found[0].startswith(f"{path}:{lines_of(path, 'Hifadhi stakabadhi')}: warning: write "
                               "'risiti' rather than 'stakabadhi'")


def test_lint_warns_when_one_terms_name_is_glossed_as_another(knowledge_copy: Path) -> None:
    glossary = Glossary((Term("service_fee", {"en": "service fee", "sw": "ada ya huduma"}),
                         Term("convenience_fee", {"en": "convenience fee",
                                                  "sw": "ada ya matumizi ya eCitizen"})))
    path = knowledge_copy / "faq" / "mpesa-paybill.sw.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nAda ya huduma (convenience fee) ni KES 50.\n"
                     "Ada ya matumizi ya eCitizen (convenience fee) iko kwenye bili.\n"
                     "Ada ya huduma (service fee) ni ya idara.\n")
    found = [m for m in messages(knowledge_copy, glossary=glossary) if "glossary" in m]
    assert found == [f"{path}:{lines_of(path, 'Ada ya huduma (convenience')}: warning: "
                     "'Ada ya huduma (convenience fee)' names one thing after another: 'ada ya "
                     "huduma' is the service fee, so write 'ada ya matumizi ya eCitizen' for the "
                     "convenience fee (knowledge/glossary.yaml, term 'convenience_fee')"]


@pytest.mark.parametrize(("glossary", "line", "says"), [
    ('terms:\n  - id: receipt\n    en: "receipt\n    sw: risiti\n  - id: bill\n    en: "bill"\n',
     3, "cannot read the glossary: a quote opened on this line is never closed"),
    ("terms:\n  - id: receipt\n    en: receipt\n    sw: risiti\n  - en: bill\n    sw: bili\n",
     5, "each term needs 'id', 'en' and 'sw' as texts"),
    ("terms:\n  - id: receipt\n    en: receipt\n    sw: risiti\n    avoid: [stakabadhi]\n",
     2, "each term needs 'id', 'en' and 'sw' as texts; 'avoid' (if any) lists spellings under "
        "'en:' and 'sw:'"),
])
def test_lint_reports_a_broken_glossary_on_its_line_instead_of_crashing(
        knowledge_copy: Path, glossary: str, line: int, says: str) -> None:
    path = knowledge_copy / "glossary.yaml"
    path.write_text(glossary, encoding="utf-8")
    result = CliRunner().invoke(main, ["faq", "lint", "--knowledge", str(knowledge_copy)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert f"{path}:{line}: error: {says}" in result.output


@pytest.mark.parametrize(("lexicon", "line", "says"), [
    ("synonyms:\n  - [fee, ada]\n  - passport, pasipoti\n", 3,
     "each synonym group must be a list in brackets"),
    ("spellings: [pasport]\n", 1, "'spellings:' must list one 'typo: word' per line"),
    ("- pasport\n", 1, "the lexicon must hold 'spellings:'"),
])
def test_lint_reports_a_lexicon_of_the_wrong_shape_instead_of_dropping_it(
        knowledge_copy: Path, lexicon: str, line: int, says: str) -> None:
    path = knowledge_copy / "lexicon.yaml"
    path.write_text(lexicon, encoding="utf-8")
    found = [m for m in messages(knowledge_copy) if m.startswith(str(path))]
    assert len(found) == 1 and found[0].startswith(f"{path}:{line}: error: {says}")


def test_lint_finds_confusable_pairs_only_when_asked(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "good-conduct-certificate.en.md"
    edit(path, "  - police clearance certificate application",
         "  - how much is the fee for a passport of 34 pages")
    assert not any("confusable" in m for m in messages(knowledge_copy))
    found = [m for m in messages(knowledge_copy, confusions=True)
             if "confusable with 'passport-fees'" in m]
    assert found and "good-conduct-certificate.en.md:" in found[0]


def test_lint_command_exit_code_follows_errors(knowledge_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["faq", "lint", "--knowledge", str(knowledge_copy)])
    assert ok.exit_code == 0, ok.output
    assert "0 errors" in ok.output
    (knowledge_copy / "faq" / "password-reset.sw.md").unlink()
    bad = runner.invoke(main, ["faq", "lint", "--knowledge", str(knowledge_copy),
                               "--no-confusions"])
    assert bad.exit_code == 1
    assert "has no sw version" in bad.output


def test_catalogue_fees_are_what_the_backend_bills() -> None:
    fees = catalogue_fees()
    assert fees["smart_dl"].total == 3050
    assert fees["vehicle_inspection"].total == 1050
    assert fees["good_conduct"] == Fee(1000, 50)
