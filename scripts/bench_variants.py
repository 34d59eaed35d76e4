"""Compare IntentModel variants on VALIDATION data only (never the test splits).

Each dataset's validation split (or, without one, a stratified 20% of train) plays the test
split, so hyper-parameters are chosen without looking at any test utterance.

    .venv/bin/python scripts/bench_variants.py --dataset banking77 --dataset clinc150
"""

from __future__ import annotations

import click
from sklearn.model_selection import train_test_split

from bot.nlu.model import IntentModel
from tools.evaluation import datasets
from tools.evaluation.runner import run_dataset
from tools.evaluation.systems import TfidfLinear

VARIANTS = {
    "default": {},
    "no pairs": {"pair_weight": 0.0},
    "C=1": {"c": 1.0},
    "no re-rank": {"rerank": False},
    "no hidden labels": {"hidden_share": 0.0},
    "hidden 35%": {"hidden_share": 0.35},
    # the path a knowledge base of more than 250 labels takes, forced on smaller data
    "per-label SVMs": {"exact_labels": 0},
    "per-label SVMs, 1,000 others": {"exact_labels": 0, "negatives": 1000},
    "per-label SVMs, 40 near": {"exact_labels": 0, "neighbours": 40},
}


def _validation_as_test(dataset: datasets.Dataset) -> datasets.Dataset:
    train, validation = list(dataset.train), list(dataset.validation)
    if not validation:
        train, validation = train_test_split(train, test_size=0.2, random_state=0,
                                             stratify=[e.label for e in train])
    return datasets.Dataset(dataset.name, tuple(train), tuple(validation), tuple(validation))


@click.command()
@click.option("--dataset", "names", multiple=True, default=["banking77", "clinc150"])
@click.option("--variant", "chosen", multiple=True, type=click.Choice(list(VARIANTS)))
def main(names: tuple[str, ...], chosen: tuple[str, ...]) -> None:
    if set(names) & {"injongo-sw"}:
        raise click.UsageError("injongo-sw has no validation split: never tune on it")
    systems = {name: (lambda kw: lambda t, y: IntentModel(**kw).fit(t, y))(VARIANTS[name])
               for name in (chosen or VARIANTS)}
    systems["reference"] = TfidfLinear
    for name in names:
        result = run_dataset(_validation_as_test(datasets.load(name)), systems)
        for r in result.results:
            s = r.scores
            main_figure = s.in_scope_accuracy if s.oos_recall is not None else s.accuracy
            oos = f" OOS recall {100 * s.oos_recall:.1f}" if s.oos_recall is not None else ""
            print(f"{name:18} {r.system:18} {100 * (main_figure or 0):.2f}{oos}"
                  f" fit {r.fit_seconds:.1f}s p99 {r.latency.p99_ms:.2f}ms")


if __name__ == "__main__":
    main()
