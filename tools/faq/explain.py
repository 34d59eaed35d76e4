"""Explain a match: the normalised text, the top candidates, what matched and the decision."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.language import detect_language
from bot.core.routing import Bands, Decision, decide
from bot.nlu.matcher import KnowledgeMatcher


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked label with its score, the closest example and its fuzzy similarity."""

    label: str
    title: str
    confidence: float
    example: str | None
    fuzzy: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything an editor needs to see why the assistant answered what it did."""

    text: str
    normalised: str
    language: str | None
    candidates: tuple[Candidate, ...]
    decision: Decision
    uncovered: tuple[str, ...] = ()  # salient words the first option does not cover
    elsewhere: str = ""  # the elsewhere.yaml service the question names, and through which term


def explain(matcher: KnowledgeMatcher, text: str, language: str, bands: Bands,
            k: int = 5) -> Explanation:
    """Rank `text` and describe the outcome as the conversation would decide it."""
    knowledge = matcher.knowledge
    ranked = matcher.model.rank(text, k=k)
    candidates = []
    for item in ranked:
        article = knowledge.article(item.label, language)
        candidates.append(Candidate(item.label, article.title if article else item.label,
                                    item.confidence, item.example, item.fuzzy))
    parsed = matcher.parse(text, language)
    answerable = [s for s in parsed.ranking if s.name != "out_of_scope"]
    top = parsed.top
    decision = (decide([top], bands) if top and top.name == "out_of_scope"
                else decide(answerable, bands))
    first = decision.options[0] if decision.options else None
    referral = parsed.elsewhere
    return Explanation(text, matcher.normalise(text), detect_language(text).language,
                       tuple(candidates), decision, first.uncovered if first else (),
                       f"{referral.id} (term \"{referral.term}\")" if referral else "")


def render(explanation: Explanation) -> str:
    """Format an explanation as plain text for the terminal."""
    lines = [
        f"Question:    {explanation.text}",
        f"Normalised:  {explanation.normalised}",
        f"Language:    {explanation.language or 'not clear'}",
        "",
        "  score  label (title)",
    ]
    for c in explanation.candidates:
        lines.append(f"  {c.confidence:5.2f}  {c.label} ({c.title})")
        if c.example:
            lines.append(f"         closest example: \"{c.example}\" (fuzzy {c.fuzzy:.0f}/100)")
    d = explanation.decision
    names = ", ".join(o.name for o in d.options)
    outcome = {"answer": f"answer with {names}", "suggest": f"ask \"did you mean\": {names}",
               "miss": "no answer: offer to rephrase or reach a person"}[d.kind]
    if explanation.uncovered:
        words = ", ".join(explanation.uncovered)
        outcome = (f"no answer about {words} (no close article covers it): offer the close "
                   f"topics ({names}); add the word to the right article if one covers it")
    lines += ["", f"Decision:    {outcome}"]
    if explanation.elsewhere:
        lines.append(f"Elsewhere:   {explanation.elsewhere} in knowledge/elsewhere.yaml: an "
                     "honest reply says where it is handled")
    return "\n".join(lines)
