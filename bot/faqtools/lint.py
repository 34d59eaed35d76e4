"""`msaidizi faq lint`: everything an editor should fix before publishing, located by file:line."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from bot.knowledge import LANGUAGES, Knowledge, Problem
from bot.nlu.kfold import Outcome, article_cases, kfold
from bot.nlu.normalize import Normalizer

STALE_AFTER = timedelta(days=365)
MIN_QUESTIONS = 6
CONFUSION_MARGIN = 0.10  # held-out runner-up this close to the winner: the pair is confusable
_URL = re.compile(r"https?://[^\s)>\]]+")


def find_line(path: str, text: str, after: str | None = None) -> int:
    """Return the 1-based line of `text` in the file (after the line holding `after`), or 1."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    start = next((i for i, line in enumerate(lines) if after and after in line), 0)
    needle = text.strip()
    return next((i + 1 for i in range(start, len(lines)) if needle in lines[i]), 1)


def well_formed(url: str) -> bool:
    """Return True for an absolute http(s) link with a plausible host name."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and " " not in url


def lint(knowledge: Knowledge, *, today: date, confusions: bool = True) -> list[Problem]:
    """Return every problem in the knowledge folder, errors and warnings."""
    problems = list(knowledge.problems)
    problems += _languages(knowledge)
    problems += _articles(knowledge, today)
    problems += _duplicates(knowledge)
    problems += _risky_synonyms(knowledge)
    if confusions and not knowledge.errors:
        problems += _confusable(knowledge)
    return sorted(problems, key=lambda p: (p.path, p.line, p.message))


def _languages(knowledge: Knowledge) -> Iterable[Problem]:
    present: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, str] = {}
    for (article_id, language), article in knowledge.articles.items():
        present[article_id].add(language)
        paths[article_id] = article.path
    for article_id, languages in sorted(present.items()):
        for missing in sorted(set(LANGUAGES) - languages):
            yield Problem(paths[article_id], 1,
                          f"article {article_id!r} has no {missing} version ({article_id}."
                          f"{missing}.md)")


def _articles(knowledge: Knowledge, today: date) -> Iterable[Problem]:
    for article in knowledge.articles.values():
        where = article.path
        if len(article.questions) < MIN_QUESTIONS:
            yield Problem(where, find_line(where, "questions:"),
                          f"only {len(article.questions)} example questions; write at least "
                          f"{MIN_QUESTIONS}")
        if not well_formed(article.source):
            yield Problem(where, find_line(where, "source:"),
                          f"source link {article.source!r} is not a valid web address")
        for url in _URL.findall(article.body):
            if not well_formed(url.rstrip(".,;")):
                yield Problem(where, find_line(where, url), f"broken link in the answer: {url}")
        if article.source not in article.body.strip().splitlines()[-1]:
            yield Problem(where, find_line(where, article.body.strip().splitlines()[-1]),
                          "the answer should end with the source link", "warning")
        if article.reviewed > today:
            yield Problem(where, find_line(where, "reviewed:"),
                          f"reviewed date {article.reviewed} is in the future")
        elif today - article.reviewed > STALE_AFTER:
            yield Problem(where, find_line(where, "reviewed:"),
                          f"last reviewed {article.reviewed}, more than 12 months ago: check "
                          "the answer against its source and update the date", "warning")


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
                              f"duplicate example question {question!r} ({where})")
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
                        f"synonym {variant!r} -> {term!r} rewrites a word used by "
                        f"{len(others)} other articles ({', '.join(others[:3])}, ...); "
                        "synonyms apply to every article", "warning")


def _confusable(knowledge: Knowledge) -> Iterable[Problem]:
    """Report questions that, held out, land on another article or barely beat one."""
    report = kfold(knowledge, article_cases(knowledge), folds=5)
    articles = set(knowledge.article_ids())
    for outcome in report.outcomes:
        rival = _rival(outcome, articles)
        if rival is None:
            continue
        other, own_score, other_score = rival
        case = outcome.case
        article = knowledge.articles[(case.expected, case.language)]
        line = find_line(article.path, case.text, after="questions:")
        if own_score == 0.0:
            detail = f"reaches {other!r} ({other_score:.2f}) instead of {case.expected!r}"
        else:
            detail = (f"scores {own_score:.2f} for {case.expected!r} and {other_score:.2f} "
                      f"for {other!r}")
        yield Problem(
            article.path, line,
            f"confusable with {other!r}: held out, {case.text!r} {detail}", "warning",
        )


def _rival(outcome: Outcome, articles: set[str]) -> tuple[str, float, float] | None:
    if outcome.top != outcome.case.expected and outcome.top in articles:
        return outcome.top, 0.0, outcome.confidence
    if (outcome.top == outcome.case.expected and outcome.second_label in articles
            and outcome.confidence - outcome.second < CONFUSION_MARGIN):
        return outcome.second_label, outcome.confidence, outcome.second
    return None
