"""`msaidizi eval`: measure the matcher and both references on the public benchmarks."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from pathlib import Path

import click

from tools.evaluation import datasets
from tools.evaluation.report import render
from tools.evaluation.runner import DatasetResult, quick_version, run_cases, run_dataset
from tools.evaluation.systems import SYSTEMS, Ranker

logger = logging.getLogger(__name__)

RankerFactory = Callable[[], Ranker]
"""Build an already trained system under test (e.g. the FAQ matcher) for `--jsonl` runs."""

_jsonl_system: dict[str, RankerFactory] = {}


def register_jsonl_system(name: str, factory: RankerFactory) -> None:
    """Make `factory` the system that `--jsonl` cases are evaluated against."""
    _jsonl_system.clear()
    _jsonl_system[name] = factory


def _jsonl_result(path: Path) -> DatasetResult:
    cases = datasets.load_expectations(path)
    if not _jsonl_system:
        raise click.UsageError("no system registered for --jsonl (register_jsonl_system)")
    name, factory = next(iter(_jsonl_system.items()))
    result = run_cases(cases, name, factory())
    return DatasetResult(path.name, {"test": len(cases)}, [result],
                         notes="cases from a JSONL file, system trained elsewhere")


def _command_line(names: tuple[str, ...], jsonl: Path | None, benchmarks_dir: Path,
                  output: Path | None, quick: bool) -> str:
    """Return the `msaidizi eval` command line equivalent to the options in force."""
    args = ["msaidizi", "eval"]
    for name in names:
        args += ["--dataset", name]
    if jsonl is not None:
        args += ["--jsonl", str(jsonl)]
    if benchmarks_dir != datasets.DEFAULT_BENCHMARKS_DIR:
        args += ["--benchmarks-dir", str(benchmarks_dir)]
    if output is not None:
        args += ["--output", str(output)]
    return shlex.join(args + (["--quick"] if quick else []))


@click.command("eval")
@click.option("--dataset", "names", multiple=True, type=click.Choice(list(datasets.LOADERS)),
              help="Benchmark to run (repeatable); default: all.")
@click.option("--jsonl", "jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSONL file of {"text", "expected"} cases for the registered system.')
@click.option("--benchmarks-dir", type=click.Path(file_okay=False, path_type=Path),
              default=datasets.DEFAULT_BENCHMARKS_DIR, show_default=True,
              help="Folder holding the benchmark datasets.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Markdown report here (e.g. docs/benchmarks.md).")
@click.option("--quick", is_flag=True, help="Subsample every dataset (smoke test).")
def eval_command(names: tuple[str, ...], jsonl: Path | None, benchmarks_dir: Path,
                 output: Path | None, quick: bool) -> None:
    """Measure our IntentModel and both references side by side on the benchmarks."""
    if jsonl is not None and not names:
        selected: list[str] = []
    else:
        selected = list(names) or list(datasets.LOADERS)
    results = []
    for name in selected:
        dataset = datasets.load(name, benchmarks_dir)
        if quick:
            dataset = quick_version(dataset)
        click.echo(f"{name}: train {len(dataset.train)}, validation {len(dataset.validation)}, "
                   f"test {len(dataset.test)}", err=True)
        result = run_dataset(dataset, SYSTEMS)
        for r in result.results:
            shown = r.scores.in_scope_accuracy if r.scores.oos_recall is not None \
                else r.scores.accuracy
            click.echo(f"  {r.system}: {100 * (shown or 0):.1f}%"
                       + (f", OOS recall {100 * r.scores.oos_recall:.1f}%"
                          if r.scores.oos_recall is not None else "")
                       + f", p99 {r.latency.p99_ms:.2f} ms, fit {r.fit_seconds:.1f} s", err=True)
        results.append(result)
    if jsonl is not None:
        results.append(_jsonl_result(jsonl))
    markdown = render(results, _command_line(names, jsonl, benchmarks_dir, output, quick))
    if output is None:
        click.echo(markdown)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(markdown, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


if __name__ == "__main__":
    eval_command()
