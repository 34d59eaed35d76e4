"""A light Swahili verb stemmer: strip subject, tense and object markers ("nimepoteza" -> "poteza").

Swahili verbs carry their person, tense and object as prefixes, so "nimepoteza", "nilipoteza"
and "umepoteza" share no word with each other although they mean the same thing here. The
negative has prefixes of its own ("sijapata", "hajapata", "hatujapata"), chat drops the
subject of the present ("napata" for "ninapata"), the coast writes the future "nta-"
("ntapata") and a relative sits after the tense ("niliyolipa": that I paid, "aliyefariki"):
all of them reach the same stem. Only words English stemming leaves alone are touched, and
the stem must keep three letters.
"""

from __future__ import annotations

import re

_VERB = re.compile(
    r"^(?:"
    r"(?:ha)?(?:ni|u|a|tu|m|wa|i|li|ya|ki|vi|zi|ku|hu)"  # subject (or infinitive ku-, habitual hu-)
    r"(?:na|li|me|ta|ka|ja|sha|nge|ngali)?"  # tense
    r"|(?:si|ha)(?:tu|m|wa|i|u|ya|zi|li|ki|vi)?(?:ja|ku|ta|nge)?"  # negative
    r"|na|nta"  # the chat present without its subject, the coast's future
    r")"
    r"(?:yo|ye|cho|vyo|zo)?"  # relative (not "po", "ko", "lo": stems start with those)
    r"(?:ku|ni|m|tu|wa|ji|i|zi|li|ya|ki|vi)?"  # object
    r"([a-z]{3,})$"
)
MIN_LENGTH = 6


def swahili_stem(word: str) -> str:
    """Return the verb stem of a Swahili-looking word, or the word unchanged."""
    if len(word) < MIN_LENGTH:
        return word
    match = _VERB.match(word)
    if match is None:
        return word
    return match.group(1)
