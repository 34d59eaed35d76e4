"""`msaidizi faq lint`: everything an editor should fix before publishing, located by file:line.

The default run only reads the files (about a second for the whole knowledge base). The
held-out check of confusable articles refits the matcher five times, so it runs only when
asked for (`--confusions`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path

import yaml

from bot.core.placeholders import Fee
from bot.core.ports import Article
from bot.knowledge.loader import LANGUAGES, Knowledge, Problem, split_front_matter
from bot.knowledge.sources import is_home_page, is_official
from bot.nlu.normalize import Normalizer
from common import yaml_read
from tools.faq.catalogue_lint import fee_problems
from tools.faq.elsewhere_lint import answered_terms, elsewhere_problems
from tools.faq.glossary_lint import Glossary, glossary_problems
from tools.faq.locate import find_line
from tools.faq.routing_lint import held_out_problems, routing_problems
from tools.faq.vocabulary_lint import vocabulary_problems

STALE_AFTER = timedelta(days=365)
MIN_QUESTIONS = 6
_NUMBER = re.compile(r"\d[\d,]*\d|\d")
SOURCE_LINE = ("source:", "chanzo:", "**source", "**chanzo")


def lint(knowledge: Knowledge, *, today: date, confusions: bool = False,
         fees: Mapping[str, Fee] | None = None, glossary: Glossary | None = None,
         folder: Path | None = None) -> list[Problem]:
    """Return every problem in the knowledge folder, errors and warnings.

    Args:
        knowledge: the loaded folder, with the problems found while loading it.
        today: the date review dates are checked against.
        confusions: also run the slow checks: confusable articles (held out of the matcher)
            and elsewhere.yaml terms that an article already answers.
        fees: the service catalogue's fees by service code, to check fee placeholders and
            refuse amounts written by hand; None skips those checks.
        glossary: the agreed terms, to warn on other spellings; None skips that check.
        folder: the knowledge folder, to check routing.yaml and held_out/; None skips them.
    """
    problems = list(knowledge.problems)
    problems += _languages(knowledge)
    problems += _articles(knowledge, today)
    problems += _duplicates(knowledge)
    problems += _risky_synonyms(knowledge)
    problems += vocabulary_problems(knowledge)
    problems += elsewhere_problems(knowledge)
    if folder is not None:
        problems += routing_problems(knowledge, folder / "routing.yaml")
        problems += held_out_problems(knowledge, folder / "held_out")
    if fees is not None:
        problems += fee_problems(knowledge, fees)
    if glossary is not None:
        problems += glossary_problems(knowledge, glossary)
    if confusions and not knowledge.errors and knowledge.articles:
        from tools.faq.confusions import confusable  # the matcher: only when asked for

        problems += confusable(knowledge)
        problems += answered_terms(knowledge)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))


def _languages(knowledge: Knowledge) -> Iterable[Problem]:
    present: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, str] = {}
    for (article_id, language), article in knowledge.articles.items():
        present[article_id].add(language)
        paths[article_id] = article.path
    broken = {Path(p.path).name for p in knowledge.errors}
    for article_id, languages in sorted(present.items()):
        for missing in sorted(set(LANGUAGES) - languages):
            if f"{article_id}.{missing}.md" in broken:
                continue  # the other file exists; its own errors say what to fix
            yield Problem(paths[article_id], 1,
                          f"article {article_id!r} has no {missing} version: write "
                          f"{article_id}.{missing}.md with the same id, or citizens writing in "
                          "that language get the other one")


def _articles(knowledge: Knowledge, today: date) -> Iterable[Problem]:
    for article in knowledge.articles.values():
        where = article.path
        if len(article.questions) < MIN_QUESTIONS:
            yield Problem(where, find_line(where, "questions:"),
                          f"only {len(article.questions)} example questions: write at least "
                          f"{MIN_QUESTIONS}, the way citizens type them")
        last = article.body.strip().splitlines()[-1]
        if last.strip().lower().startswith(SOURCE_LINE):
            yield Problem(where, find_line(where, last, body=True),
                          "remove this source line: the assistant adds the official source "
                          "from 'source:' under every answer", "warning")
        yield from _home_page(article)
        yield from _repeated_fields(article)
        only_in_title = set(_NUMBER.findall(article.title)) - set(_NUMBER.findall(article.body))
        for number in sorted(only_in_title):
            # a title is shown above the answer: a number only it gives is a fact left unsourced
            yield Problem(where, find_line(where, "title:"),
                          f"the title says {number} but the answer never does: a number a "
                          "citizen reads must be backed in the answer and its source, so say it "
                          "there or take it out of the title", "warning")
        if article.reviewed > today:
            yield Problem(where, find_line(where, "reviewed:"),
                          f"reviewed date {article.reviewed} is in the future: write the day "
                          "you checked the answer against its source")
        elif today - article.reviewed > STALE_AFTER:
            yield Problem(where, find_line(where, "reviewed:"),
                          f"last reviewed {article.reviewed}, more than 12 months ago: check "
                          "the answer against its source and update the date", "warning")


def _repeated_fields(article: Article) -> Iterable[Problem]:
    """Report a field written twice in the front matter: the second silently replaces the first."""
    try:
        front, _, _ = split_front_matter(Path(article.path).read_text(encoding="utf-8"))
        root = yaml_read.compose(front)
    except (OSError, ValueError, yaml.YAMLError):
        return  # the loader has reported the file already
    if not isinstance(root, yaml.MappingNode):
        return
    seen: set[str] = set()
    for key, _ in root.value:
        if key.value in seen:
            yield Problem(article.path, key.start_mark.line + 2,  # after the opening '---'
                          f"'{key.value}:' is written twice: the second replaces the first, "
                          "and what the first said is lost; merge them into one")
        seen.add(key.value)


def _home_page(article: Article) -> Iterable[Problem]:
    """Warn on a home page as source, unless the editor marked it as the right destination."""
    where = article.path
    home = bool(article.source) and is_official(article.source) and is_home_page(article.source)
    if home and not article.source_is_home_page:
        yield Problem(where, find_line(where, "source:"),
                      f"{article.source} is the site's home page: link the page on it that "
                      "states these facts, so that a citizen can check them there; if no "
                      "official page says them, say less", "warning")
    elif article.source_is_home_page and not home:
        # a marker left behind would silence the warning if the home page came back
        yield Problem(where, find_line(where, "source_is_home_page:"),
                      "source_is_home_page is set but the source is not a home page: remove "
                      "the line", "warning")


def _duplicates(knowledge: Knowledge) -> Iterable[Problem]:
    normalise = Normalizer()
    seen: dict[str, tuple[str, str]] = {}
    for (article_id, _), article in sorted(knowledge.articles.items()):
        for question in article.questions:
            key = normalise(question)
            if key in seen:
                other_id, other_path = seen[key]
                line = find_line(article.path, question, after="questions:")
                where = "twice in this article" if other_id == article_id else (
                    f"also in {other_path}")
                yield Problem(article.path, line,
                              f"duplicate example question {question!r} ({where}): keep it in "
                              "one article only")
            else:
                seen[key] = (article_id, article.path)


def _risky_synonyms(knowledge: Knowledge) -> Iterable[Problem]:
    """Warn when an article's synonym rewrites words that other articles' questions use."""
    words_by_article: dict[str, set[str]] = defaultdict(set)
    normalise = Normalizer()
    for (article_id, _), article in knowledge.articles.items():
        for question in article.questions:
            words_by_article[article_id].update(normalise(question).split())
    for (article_id, _), article in sorted(knowledge.articles.items()):
        for term, variants in article.synonyms:
            for variant in variants:
                word = normalise(variant)
                if " " in word:
                    continue
                others = sorted(a for a, words in words_by_article.items()
                                if a != article_id and word in words)
                if len(others) >= 3:
                    yield Problem(
                        article.path, find_line(article.path, variant, after="synonyms:"),
                        f"synonym {variant!r} -> {term!r} also rewrites the questions of "
                        f"{len(others)} other articles ({', '.join(others[:3])}, ...): move it "
                        "to lexicon.yaml if it means the same everywhere, or remove it",
                        "warning")
