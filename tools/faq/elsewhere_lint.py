"""elsewhere.yaml: a term two services claim, or a term an article already answers.

The file's shape, its links and its languages are checked when it is loaded
(bot/knowledge/elsewhere.py). Here, at every lint: the same words under two services send a
citizen to whichever comes first. With `--confusions` (it needs the matcher's stemming, which
loads scikit-learn, so it stays out of the one-second lint): a term an article's own questions
name never sends anyone anywhere from that article, while it hides the article from the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wordfreq import zipf_frequency

from bot.knowledge.elsewhere import ElsewhereService
from bot.knowledge.loader import Knowledge, Problem
from bot.nlu.normalize import Normalizer, singular
from tools.faq.locate import find_line

_WORD = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
FUNCTION_ZIPF = 6.2  # "of", "for", "the": two spellings of one term may differ by them


def elsewhere_problems(knowledge: Knowledge) -> Iterable[Problem]:
    """Yield the terms listed under two services (errors)."""
    normalise = Normalizer(knowledge.lexicon.spellings, knowledge.lexicon.synonyms)
    claimed: dict[frozenset[str], str] = {}
    for service in knowledge.elsewhere:
        for term in service.all_terms():
            words = _WORD.findall(normalise(term))
            key = frozenset(singular(w) for w in words if zipf_frequency(w, "en") < FUNCTION_ZIPF)
            other = claimed.setdefault(key or frozenset(words), service.id)
            if other != service.id:
                yield Problem(service.path, _line(service, term), f"the term {term!r} is also "
                              f"listed under {other!r}: keep it under the one service that "
                              "handles it")


def answered_terms(knowledge: Knowledge) -> Iterable[Problem]:
    """Yield the terms an article's own texts already name (warnings; slow: the matcher)."""
    if not knowledge.elsewhere:
        return
    from bot.nlu.elsewhere import ElsewhereIndex  # scikit-learn, through the stemmer
    from bot.nlu.matcher import build_normalizer

    index = ElsewhereIndex(knowledge, build_normalizer(knowledge))
    articles = knowledge.article_ids()
    for service in knowledge.elsewhere:
        for term in service.all_terms():
            answered = [a for a in articles if index.covers(a, term)]
            if answered:
                yield Problem(service.path, _line(service, term), f"the term {term!r} is named "
                              f"by the example questions of {', '.join(answered[:3])}: citizens "
                              "asking about it get that article. Write the part of the service "
                              "no article answers (\"apply for a HELB loan\", not \"HELB loan\"), "
                              "or remove the term", "warning")


def _line(service: ElsewhereService, term: str) -> int:
    return find_line(service.path, term, after=f"id: {service.id}")
