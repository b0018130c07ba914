"""kerasmap's default table model beside scikit-learn's linear model and gradient boosting.

python benchmarks/tables/bench_tables.py [tables=iris,wine,...] [output=<folder>] [key=value ...]

For each table: one seeded 80/20 split (stratified for classification) that all three models
get. kerasmap trains on it through `pipelines/train.py data=table` in a process of its own,
tracked into a fresh MLflow store, with its defaults and every other `key=value` given here as
Hydra overrides (`model=mlp trainer.epochs=20`); scikit-learn fits a linear model (logistic
regression or `RidgeCV`) and `HistGradientBoosting*` with defaults. Figures: accuracy
(multiclass), ROC AUC (binary), R^2 (regression) on the test rows. Prints a Markdown table and
writes it, `figures.json` and each kerasmap run's log to `outputs/bench-tables/<time>/`.
All nine tables take about 3 minutes on 2 CPU cores with the MLP.
"""

import logging
import sys
import tempfile
import time
from pathlib import Path

from bundled import BUNDLED, bundled_table
from generated import GENERATED
from kerasmap_run import kerasmap_command, read_run, run_kerasmap
from report import describe_machine, markdown_table, summary_line, write_results
from sklearn_models import fit_and_score
from table import SPLIT_SEED, TEST_FRACTION, Table, split_table, write_split

TABLES = {name: lambda name=name: bundled_table(name) for name in BUNDLED} | GENERATED
OPTIONS = ("tables", "output")  # the benchmark's own; every other key=value goes to kerasmap


def parse_arguments(arguments: list[str]) -> tuple[dict, list[str]]:
    """Splits the benchmark's options from kerasmap's overrides; exits with one sentence if
    an argument is not `key=value` or a table is unknown."""
    flags = [argument for argument in arguments if "=" not in argument]
    if flags:
        sys.exit(f"Expected key=value arguments (one kerasmap run per table); received: {flags}")
    given = dict(argument.split("=", 1) for argument in arguments)
    default_output = f"outputs/bench-tables/{time.strftime('%Y-%m-%d_%H-%M-%S')}"
    options = {
        "tables": given.get("tables", ",".join(TABLES)).split(","),
        "output": given.get("output", default_output),
    }
    unknown = [name for name in options["tables"] if name not in TABLES]
    if unknown:
        sys.exit(
            f"Received an invalid value for `tables`: {', '.join(unknown)}; expected some of "
            f"{', '.join(TABLES)}, comma-separated. Received: tables={given['tables']}"
        )
    overrides = [argument for argument in arguments if argument.split("=", 1)[0] not in OPTIONS]
    return options, overrides


def bench_table(table: Table, overrides: list[str], store: Path, logs: Path) -> dict:
    """Splits `table`, runs kerasmap and both scikit-learn models on it; returns its figures."""
    train, test = split_table(table)
    train_csv, test_csv = write_split(train, test, store / table.name)
    command = kerasmap_command(table, train_csv, test_csv, store, overrides)
    process = run_kerasmap(command, logs / f"{table.name}.log")
    kerasmap = {"score": float("nan"), "train_s": float("nan"), "run_s": float("nan")}
    if process["returncode"] == 0:
        kerasmap = read_run(store, f"bench-tables-{table.name}", table.task)
    sklearn = fit_and_score(table, train, test)
    return {
        "table": table.name,
        "rows": len(table.frame),
        "columns": table.num_features,
        "task": table.task,
        "metric": table.metric,
        "kerasmap": kerasmap["score"],
        "linear": sklearn["linear"]["score"],
        "hgb": sklearn["hgb"]["score"],
        "kerasmap_train_s": kerasmap["train_s"],
        "kerasmap_wall_s": process["wall_s"],
        "linear_fit_s": sklearn["linear"]["fit_s"],
        "hgb_fit_s": sklearn["hgb"]["fit_s"],
        "kerasmap_run_s": kerasmap["run_s"],
        "kerasmap_epochs": kerasmap.get("epochs_run", float("nan")),
        "kerasmap_returncode": process["returncode"],
    }


def run_all(names: list[str], overrides: list[str], logs: Path) -> list[dict]:
    """Every table in turn, in one temporary folder of split files and one MLflow store."""
    records = []
    with tempfile.TemporaryDirectory(prefix="kerasmap-bench-tables-") as folder:
        for number, name in enumerate(names, start=1):
            record = bench_table(TABLES[name](), overrides, Path(folder), logs)
            records.append(record)
            outcome = f"kerasmap {record['kerasmap_wall_s']:.0f} s"
            if record["kerasmap_returncode"]:
                outcome += f", failed: see {logs / name}.log"
            print(f"[{number}/{len(names)}] {name}: {outcome}", flush=True)
    return records


def main(arguments: list[str]) -> None:
    options, overrides = parse_arguments(arguments)
    output = Path(options["output"])
    (output / "logs").mkdir(parents=True, exist_ok=True)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    start = time.perf_counter()
    records = run_all(options["tables"], overrides, output / "logs")
    minutes = (time.perf_counter() - start) / 60
    text = (
        f"Command: `python benchmarks/tables/bench_tables.py {' '.join(arguments)}`\n\n"
        f"{describe_machine()}.\nOne split per table: {1 - TEST_FRACTION:.0%} training, "
        f"{TEST_FRACTION:.0%} test, seed {SPLIT_SEED}, stratified for classification. "
        f"The whole benchmark took {minutes:.1f} min.\n\n"
        f"{markdown_table(records)}\n\n{summary_line(records)}\n"
    )
    context = {"command": arguments, "overrides": overrides, "machine": describe_machine()}
    write_results(output, text, records, context | {"minutes": minutes})
    print(f"\n{text}\nWritten to {output.resolve()}/ (table.md, figures.json, logs/)")


if __name__ == "__main__":
    main(sys.argv[1:])
