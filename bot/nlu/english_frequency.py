"""English word frequencies on the Zipf scale, read straight from wordfreq's own data file.

Importing wordfreq (langcodes, ftfy, regex and its tokenizers) took about 0.6 s of every
worker's start, for what is here one look-up per lower-case ASCII word. Those words are read
from the file wordfreq itself reads (its "large" English list), with wordfreq's rounding;
any other word (capitals, another script, letters wordfreq's tokenizer might split) still
goes to wordfreq. tests/bot/nlu/test_english_frequency.py checks that the two agree.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
from functools import lru_cache
from pathlib import Path

import msgpack


def _data_file() -> Path:
    """Return wordfreq's large English list, found without importing wordfreq."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "large_en.msgpack.gz"


@lru_cache(maxsize=1)
def _centibels() -> dict[str, int]:
    """Return each word's frequency in (negated) centibels, as wordfreq's cBpack stores it."""
    with gzip.open(_data_file(), "rb") as packed:
        header, *buckets = msgpack.unpack(packed, raw=False)
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq data header: {header!r}")
    return {word: index for index, bucket in enumerate(buckets) for word in bucket}


def zipf_english(word: str) -> float:
    """Return `word`'s frequency in English on the Zipf scale (0: unknown), as wordfreq does."""
    if not (word.isascii() and word.isalpha() and word.islower()):
        from wordfreq import zipf_frequency  # its tokenizer decides what such a word is

        return float(zipf_frequency(word, "en"))
    return _table_zipf(word)


# Contractions typed without the apostrophe ("isnt", "youre"), or cut at it by punctuation
# removal ("doesn't" -> "doesn t"): the word left is as common as the contraction.
_CONTRACTIONS = (("nt", "n't"), ("n", "n't"), ("re", "'re"), ("ve", "'ve"), ("ll", "'ll"),
                 ("s", "'s"))


def zipf_contraction(word: str) -> float:
    """Return the Zipf frequency of the English contraction `word` spells without its apostrophe.

    "isnt" and "isn" (of "isn't" cut at the apostrophe) are "isn't"; 0 when `word` spells none.
    """
    if not (word.isascii() and word.isalpha() and word.islower()):
        return 0.0
    return max((_table_zipf(word[: -len(end)] + full) for end, full in _CONTRACTIONS
                if word.endswith(end) and len(word) > len(end)), default=0.0)


def _table_zipf(word: str) -> float:
    """Return the Zipf frequency of a word as wordfreq's large English list stores it."""
    index = _centibels().get(word)
    if index is None:
        return 0.0
    # wordfreq's arithmetic: centibels to a proportion, 3 significant digits, Zipf, 2 places
    freq = 10.0 ** (-index / 100)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)
