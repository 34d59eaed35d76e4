"""Write bot/nlu/data/swahili_counts.tsv: how often each word occurs in everyday Swahili.

wordfreq has no Swahili list, so the coverage check (bot/nlu/coverage.py) tells common
Swahili words from salient ones with counts from the train split of MASSIVE sw-KE
(FitzGerald et al. 2022, CC BY 4.0): 11,514 Kenyan Swahili requests to a voice assistant.
Only the train split is read. Usage: python scripts/build_swahili_counts.py [BENCHMARKS_DIR]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

SOURCE = "massive/sw-KE_train.reconstructed.jsonl"
TARGET = Path(__file__).resolve().parents[1] / "bot" / "nlu" / "data" / "swahili_counts.tsv"
WORD = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
HEADER = ("# Word counts of the MASSIVE sw-KE train split (CC BY 4.0, Amazon; FitzGerald et al.\n"
          "# 2022, https://github.com/alexa/massive), built by scripts/build_swahili_counts.py.\n"
          "# total\t{total}\n")


def main() -> None:
    """Count the words of the train split and write them, most frequent first."""
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/benchmarks")
    counts: Counter[str] = Counter()
    with (root / SOURCE).open(encoding="utf-8") as handle:
        for line in handle:
            counts.update(WORD.findall(json.loads(line)["utt"].lower()))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    TARGET.write_text(HEADER.format(total=sum(counts.values()))
                      + "".join(f"{w}\t{n}\n" for w, n in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
