"""The gap report: what citizens asked that nobody answered, grouped, with proposed questions."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.core.ports import MatchEvent
from bot.nlu.normalize import Normalizer

DISTANCE = 0.75  # cosine distance under which two unanswered questions are one topic
MAX_EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of similar unanswered questions in one language."""

    language: str
    questions: tuple[str, ...]

    @property
    def count(self) -> int:
        """Return how many times questions of this group were asked."""
        return len(self.questions)

    @property
    def examples(self) -> list[str]:
        """Return the most frequent distinct phrasings."""
        return [q for q, _ in Counter(self.questions).most_common(MAX_EXAMPLES)]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A question a citizen asked that then chose an article: a candidate example question."""

    article: str
    language: str
    question: str
    times: int


def unanswered(events: Sequence[MatchEvent]) -> list[MatchEvent]:
    """Return fallbacks, uncovered questions and "none of these": questions left unanswered."""
    return [e for e in events if e.kind in ("fallback", "not_covered")
            or (e.kind == "chosen" and e.chosen is None)]


def cluster(events: Sequence[MatchEvent],
            normalise: Callable[[str], str] | None = None) -> list[Cluster]:
    """Group unanswered questions by language and similarity, biggest groups first."""
    normalise = normalise or Normalizer()
    by_language: dict[str, list[str]] = defaultdict(list)
    for event in unanswered(events):
        if event.query.strip():
            by_language[event.language].append(event.query.strip())
    clusters: list[Cluster] = []
    for language, questions in sorted(by_language.items()):
        clusters += _cluster_one_language(language, questions, normalise)
    return sorted(clusters, key=lambda c: (-c.count, c.language, c.examples[0]))


def _cluster_one_language(language: str, questions: list[str],
                          normalise: Callable[[str], str]) -> list[Cluster]:
    if len(questions) == 1:
        return [Cluster(language, tuple(questions))]
    texts = [normalise(q) or q.lower() for q in questions]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(texts)
    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=DISTANCE, metric="cosine", linkage="average"
    ).fit_predict(vectors.toarray())
    groups: dict[int, list[str]] = defaultdict(list)
    for question, label in zip(questions, np.asarray(labels).tolist(), strict=True):
        groups[int(label)].append(question)
    return [Cluster(language, tuple(group)) for group in groups.values()]


def proposals(events: Sequence[MatchEvent]) -> list[Proposal]:
    """Turn "did you mean" choices into candidate example questions for the chosen article."""
    counts = Counter(
        (e.chosen, e.language, e.query.strip())
        for e in events if e.kind == "chosen" and e.chosen and e.query.strip()
    )
    return [Proposal(article, language, question, times)
            for (article, language, question), times in counts.most_common()]


def write_report(clusters: Sequence[Cluster], proposed: Sequence[Proposal],
                 folder: Path) -> tuple[Path, Path]:
    """Write gaps.md and gaps.csv into `folder`; return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown, table = folder / "gaps.md", folder / "gaps.csv"
    markdown.write_text(_markdown(clusters, proposed), encoding="utf-8")
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "language", "count", "article", "question_or_examples"])
        for c in clusters:
            writer.writerow(["unanswered", c.language, c.count, "", " | ".join(c.examples)])
        for p in proposed:
            writer.writerow(["proposed_question", p.language, p.times, p.article, p.question])
    return markdown, table


def _markdown(clusters: Sequence[Cluster], proposed: Sequence[Proposal]) -> str:
    names = {"en": "English", "sw": "Swahili"}
    lines = ["# Gap report", "",
             "Questions the assistant could not answer, grouped by topic, and questions that "
             "citizens matched to an article through \"did you mean\". Personal data is masked.",
             ""]
    for language in sorted({c.language for c in clusters}):
        own = [c for c in clusters if c.language == language]
        total = sum(c.count for c in own)
        lines += [f"## Unanswered in {names.get(language, language)}: {total} questions "
                  f"in {len(own)} groups", "", "| asked | examples |", "|---:|---|"]
        lines += [f"| {c.count} | {' · '.join(_cell(e) for e in c.examples)} |" for c in own]
        lines.append("")
    if not clusters:
        lines += ["No unanswered questions in this period.", ""]
    lines += ["## Proposed example questions (from \"did you mean\" choices)", ""]
    if proposed:
        lines += ["| article | language | question | times |", "|---|---|---|---:|"]
        lines += [f"| {p.article} | {p.language} | {_cell(p.question)} | {p.times} |"
                  for p in proposed]
    else:
        lines.append("None in this period.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
