"""Matcher fit time, peak memory, parse latency and accuracy at 50, 1,000 and 10,000 articles.

Run: .venv/bin/python scripts/bench_matcher_scale.py [--articles 50,1000,10000] [--system ...]

A synthetic knowledge base shaped like a national one: article (intent, service) has eight
questions, CLINC150 training utterances of that intent naming that service ("... for the
harbour permit"); its two test questions are CLINC150 *validation* utterances of the same
intent naming the same service (no test split is used). So an article must be told apart
from the same question about another service and from another question about the same
service. Every size and system runs in a fresh process, so peak memory is its own.

Systems: `model` (IntentModel as shipped), `exact` (the one-vs-rest SVM over every label,
how the model fitted before it scaled) and `rapidfuzz` (the naive floor: `extractOne` over
every example). With `model` at 1,000 articles or more, one article is then edited and the
model refitted from the live one (the editors' hot reload), timed and checked.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from bot.nlu.model import IntentModel

REPO = Path(__file__).resolve().parent.parent
CLINC = REPO.parent / "shared" / "benchmarks" / "clinc150" / "data_full.json"
QUESTIONS, TESTS = 8, 2


def _services(count: int) -> list[str]:
    """Return `count` distinct two-word service names from common English words."""
    from wordfreq import top_n_list

    words = [w for w in top_n_list("en", 6000) if w.isalpha() and len(w) >= 4]
    rng = random.Random(7)
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(words)} {rng.choice(words)}")
    return sorted(names)


def knowledge(articles: int) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Return training texts, their labels, and (question, label) test pairs."""
    data = json.loads(CLINC.read_text())
    train: dict[str, list[str]] = {}
    held: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        train.setdefault(intent, []).append(text)
    for text, intent in data["val"]:
        held.setdefault(intent, []).append(text)
    intents = sorted(train)[:min(articles, len(train))]
    services = _services(-(-articles // len(intents)))
    rng = random.Random(articles)
    texts, labels, tests = [], [], []
    for n in range(articles):
        intent, service = intents[n % len(intents)], services[n // len(intents)]
        label = f"{intent}-{service.replace(' ', '-')}"
        for text in rng.sample(train[intent], QUESTIONS):
            texts.append(f"{text} for the {service}")
            labels.append(label)
        tests.extend((f"{text} for the {service}", label)
                     for text in rng.sample(held[intent], TESTS))
    return texts, labels, tests


def _rank_function(system: str, texts: list[str], labels: list[str]
                   ) -> tuple[Callable[[str], str], IntentModel | None]:
    if system == "rapidfuzz":
        from rapidfuzz import process, utils

        choices = [utils.default_process(t) for t in texts]
        return lambda q: labels[process.extractOne(utils.default_process(q), choices,
                                                   processor=None)[2]], None
    model = IntentModel(exact_labels=10**9) if system == "exact" else IntentModel()
    model.fit(texts, labels)
    return lambda q: model.rank(q, k=10)[0].label, model


def one(articles: int, system: str) -> dict[str, float | int | str]:
    """Fit and measure one system at one size (in this process)."""
    texts, labels, tests = knowledge(articles)
    started = time.perf_counter()
    rank, model = _rank_function(system, texts, labels)
    fit = time.perf_counter() - started
    asked = tests[:2000]
    for question, _ in asked[:50]:  # warm caches (first calls allocate), as a live worker is
        rank(question)
    timings, right = [], 0
    for question, label in asked:
        begin = time.perf_counter()
        right += rank(question) == label
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    out: dict[str, float | int | str] = {
        "articles": articles, "system": system, "examples": len(texts), "fit_s": round(fit, 1),
        "top1": round(100 * right / len(timings), 1),
        "parse_median_ms": round(statistics.median(timings), 2),
        "parse_p99_ms": round(timings[int(len(timings) * 0.99)], 2)}
    if model is not None and system == "model" and articles >= 1000:
        out.update(_edit(model, texts, labels))
    out["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def _edit(model: IntentModel, texts: list[str], labels: list[str]
          ) -> dict[str, float | int | str]:
    """Edit one article (a new question) and refit from the live model; time it and check."""
    target = labels[len(labels) // 2]
    question = "where can a citizen collect the zebra lantern certificate"
    edited_texts, edited_labels = [*texts, question], [*labels, target]
    started = time.perf_counter()
    quick = IntentModel().fit(edited_texts, edited_labels, previous=model)
    seconds = time.perf_counter() - started
    return {"edit_s": round(seconds, 2),
            "edit_live": "yes" if quick.rank(question)[0].label == target else "no"}


@click.command()
@click.option("--articles", default="50,1000,10000", help="comma-separated sizes")
@click.option("--system", "systems", multiple=True, default=("model", "exact", "rapidfuzz"))
@click.option("--one", "single", nargs=2, hidden=True, default=None)
@click.option("--max-exact", default=1000, help="largest size to fit the exact SVM at")
def main(articles: str, systems: tuple[str, ...], single: tuple[str, str] | None,
         max_exact: int) -> None:
    """Run every size and system in a fresh process and print one table."""
    if single:
        print(json.dumps(one(int(single[0]), single[1])))
        return
    print("| articles | system | examples | fit s | peak MiB | top-1 % | parse median ms "
          "| parse p99 ms | edit s | edit live |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in (int(a) for a in articles.split(",")):
        for system in systems:
            if system == "exact" and size > max_exact:
                continue
            done = subprocess.run([sys.executable, __file__, "--one", str(size), system],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                print(f"| {size} | {system} | failed ({done.returncode}): "
                      f"{done.stderr.strip().splitlines()[-1:]} |", flush=True)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"| {r['articles']:,} | {r['system']} | {r['examples']:,} | {r['fit_s']} "
                  f"| {r['peak_mib']:,} | {r['top1']} | {r['parse_median_ms']} "
                  f"| {r['parse_p99_ms']} | {r.get('edit_s', '')} | {r.get('edit_live', '')} |",
                  flush=True)


if __name__ == "__main__":
    main()
