"""elsewhere.yaml: a term two services claim, or a term an article already answers.

The file's shape, its links and its languages are checked when it is loaded
(bot/knowledge/elsewhere.py); this adds what needs every article: the same words under two
services send a citizen to whichever comes first, and a term an article's own questions name
never sends anyone anywhere from that article, while it hides the article from the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge.loader import Knowledge, Problem
from bot.nlu.elsewhere import ElsewhereIndex
from bot.nlu.matcher import build_normalizer
from tools.faq.locate import find_line


def elsewhere_problems(knowledge: Knowledge) -> Iterable[Problem]:
    """Yield terms listed under two services and terms that an article answers."""
    if not knowledge.elsewhere:
        return
    index = ElsewhereIndex(knowledge, build_normalizer(knowledge))
    claimed: dict[frozenset[str], str] = {}
    articles = knowledge.article_ids()
    for service in knowledge.elsewhere:
        for term in service.all_terms():
            line = find_line(service.path, term, after=f"id: {service.id}")
            key = index.key(term)
            other = claimed.setdefault(key, service.id)
            if other != service.id:
                yield Problem(service.path, line, f"the term {term!r} is also listed under "
                              f"{other!r}: keep it under the one service that handles it")
            answered = [a for a in articles if index.covers(a, term)]
            if answered:
                yield Problem(service.path, line, f"the term {term!r} is named by the example "
                              f"questions of {', '.join(answered[:3])}: citizens asking about "
                              "it get that article. Write the part of the service no article "
                              "answers (\"apply for a HELB loan\", not \"HELB loan\"), or "
                              "remove the term", "warning")
