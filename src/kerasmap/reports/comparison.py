"""Compare the training runs of an experiment or of one sweep in a table, one row per run."""

import warnings
from pathlib import Path

import mlflow
import pandas as pd

from kerasmap.config import checks
from kerasmap.cross_validation import ENSEMBLE_PREFIX, STD_PREFIX
from kerasmap.cross_validation import ROLE_TAG as CV_ROLE_TAG
from kerasmap.errors import ConfigError
from kerasmap.recording.secrets import redact_text
from kerasmap.sweeps import ROLE_PARENT, ROLE_TAG, SWEEP_ID_TAG, SWEPT_KEYS_PARAM
from kerasmap.tasks import natural_direction

DIRECTIONS = ("auto", "minimize", "maximize")
TEST_METRICS = ("test_accuracy", "test_mae", "test_loss")  # the first one present is shown
MAX_VARYING_PARAMS = 8  # without a sweep, the table shows at most this many varying params
COMPARISON_FOLDER = "comparison"  # artifact folder on the sweep's parent run


def compare_runs(
    experiment: str,
    *,
    sweep_id: str | None = None,
    tags: dict[str, str] | None = None,
    metric: str = "best_val_loss",
    direction: str = "auto",
) -> pd.DataFrame:
    """Lists the training runs of `experiment` in one table, best run first.

    Runs are read from the tracking URI MLflow is set to; sweep parents are left out.

    Args:
        experiment: Name of the MLflow experiment.
        sweep_id: Only the jobs of this sweep (its parent run's id). Defaults to `None`.
        tags: Only runs whose tags have these values, e.g. `{"task": "binary"}`.
            Defaults to `None`.
        metric: The metric to sort by, without the `metrics.` prefix. Defaults to
            `"best_val_loss"`.
        direction: `"minimize"`, `"maximize"`, or `"auto"`: maximize metrics whose names
            contain accuracy, auc, f1, precision, recall or r2. Defaults to `"auto"`.

    Returns:
        A DataFrame with columns run_id, run_name, status, the swept params (the sweep's
        `sweep.swept_keys`, or without a sweep the params that differ between runs), the
        `best_*` metrics, the test metric (and a cross-validation's `ensemble_<test metric>`),
        `metric`, epochs_run and wall_seconds. Unfinished runs and runs without `metric`
        come last. `attrs` holds `swept_params`, `metric` and the resolved `direction`.

    Raises:
        ConfigError: If the experiment does not exist, no training run matches, a tag
            value holds a single quote, or `metric` or `direction` is not one of the
            allowed values.
    """
    checks.require_choice("direction", direction, DIRECTIONS)
    runs = _search_runs(experiment, sweep_id, tags or {})
    roles = runs.get(f"tags.{ROLE_TAG}", pd.Series(None, index=runs.index, dtype=object))
    # A cross-validation is one row: its parent, with the mean and deviation of its folds.
    members = runs.get(f"tags.{CV_ROLE_TAG}", pd.Series(None, index=runs.index)) == "member"
    parents, jobs = runs[roles == ROLE_PARENT], runs[(roles != ROLE_PARENT) & ~members]
    if jobs.empty:
        _raise_no_runs(experiment, sweep_id, tags)
    metrics = _present(jobs, "metrics.")
    checks.require(
        metric in metrics, "metric", metric, f"one of the run metrics {', '.join(metrics)}"
    )
    params = (_recorded_swept_keys(parents) if sweep_id else []) or _varying_params(jobs)
    shown_metrics = _shown_metrics(metrics, metric)
    direction = natural_direction(metric) if direction == "auto" else direction
    ranked = _rank(jobs, metric, ascending=direction == "minimize")
    table = pd.DataFrame(
        {
            "run_id": ranked["run_id"],
            "run_name": ranked.get("tags.mlflow.runName"),
            "status": ranked["status"],
            **{param: _numbers_where_possible(_param_values(ranked, param)) for param in params},
            **{
                column: ranked[f"metrics.{name}"]
                for shown in shown_metrics
                for column, name in _with_deviation(shown, metrics)
            },
            "wall_seconds": (ranked["end_time"] - ranked["start_time"]).dt.total_seconds(),
        }
    ).reset_index(drop=True)
    table.attrs = {"swept_params": params, "metric": metric, "direction": direction}
    return table


def _search_runs(experiment: str, sweep_id: str | None, tags: dict[str, str]) -> pd.DataFrame:
    found = mlflow.get_experiment_by_name(experiment)
    if found is None:
        names = ", ".join(sorted(known.name for known in mlflow.search_experiments()))
        store = redact_text(mlflow.get_tracking_uri())
        raise ConfigError(
            f"Received an invalid value for `experiment`, expected one of the experiments of "
            f"{store}: {names}. Received: experiment={experiment!r}"
        )
    wanted = {**tags, **({SWEEP_ID_TAG: sweep_id} if sweep_id else {})}
    for name, value in wanted.items():
        checks.require("'" not in value, f"tags.{name}", value, "a value without single quotes")
    return mlflow.search_runs(
        experiment_ids=[found.experiment_id],
        filter_string=" and ".join(f"tags.`{name}` = '{value}'" for name, value in wanted.items()),
    )


def _raise_no_runs(experiment: str, sweep_id: str | None, tags: dict[str, str] | None) -> None:
    if sweep_id:
        key, value, expected = "sweep_id", sweep_id, "the id of a sweep with training runs"
    elif tags:
        key, value, expected = "tags", tags, "tags that a training run carries"
    else:
        key, value, expected = "experiment", experiment, "an experiment with training runs"
    raise ConfigError(
        f"Received an invalid value for `{key}`, expected {expected} in experiment "
        f"'{experiment}' of {redact_text(mlflow.get_tracking_uri())}. Received: {key}={value!r}"
    )


def _present(runs: pd.DataFrame, prefix: str) -> list[str]:
    """Names of the `prefix` columns that hold a value for at least one run."""
    return sorted(
        column.removeprefix(prefix)
        for column in runs.columns
        if column.startswith(prefix) and runs[column].notna().any()
    )


def _recorded_swept_keys(parents: pd.DataFrame) -> list[str]:
    """The keys the sweep's parent run recorded as swept, if it recorded them."""
    recorded = parents.get(f"params.{SWEPT_KEYS_PARAM}", pd.Series(dtype=object)).dropna()
    if recorded.empty:
        return []
    return [key.strip() for key in recorded.iloc[0].split(",") if key.strip()]


def _varying_params(jobs: pd.DataFrame) -> list[str]:
    """The params whose values differ between the runs, at most `MAX_VARYING_PARAMS`.

    Runs that logged no params (jobs that failed before training) are not compared.
    """
    columns = sorted(column for column in jobs if column.startswith("params."))
    with_params = jobs[jobs[columns].notna().any(axis=1)]
    varying = [
        column.removeprefix("params.")
        for column in columns
        if with_params[column].nunique(dropna=False) > 1
    ]
    if len(varying) > MAX_VARYING_PARAMS:
        warnings.warn(
            f"{len(varying)} params differ between the runs; the table shows the first "
            f"{MAX_VARYING_PARAMS} and leaves out {', '.join(varying[MAX_VARYING_PARAMS:])}.",
            stacklevel=3,
        )
    return varying[:MAX_VARYING_PARAMS]


def _param_values(runs: pd.DataFrame, param: str) -> pd.Series:
    if f"params.{param}" in runs:
        return runs[f"params.{param}"]
    # A swept config group (`model=mlp,cnn`) is recorded in each job as the group's `name`.
    return runs.get(f"params.{param}.name", pd.Series(None, index=runs.index, dtype=object))


def _numbers_where_possible(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers if numbers.notna().sum() == values.notna().sum() else values


def _shown_metrics(metrics: list[str], metric: str) -> list[str]:
    best = [name for name in metrics if name.startswith("best_")]
    test = [name for name in TEST_METRICS if name in metrics][:1]
    # A cross-validation's test metric is its folds' mean; its average model's comes next.
    test += [ENSEMBLE_PREFIX + name for name in test if ENSEMBLE_PREFIX + name in metrics]
    chosen = best + test + [name for name in (metric, "epochs_run") if name in metrics]
    return list(dict.fromkeys(chosen))


def _with_deviation(name: str, metrics: list[str]) -> list[tuple[str, str]]:
    """The column of a metric, and of its standard deviation where runs recorded one."""
    deviation = f"{STD_PREFIX}{name}"
    return [(name, name)] + ([(f"{name}_std", deviation)] if deviation in metrics else [])


def _rank(jobs: pd.DataFrame, metric: str, ascending: bool) -> pd.DataFrame:
    """Sorts by `metric`; unfinished runs and runs without the metric go last."""
    return jobs.assign(unfinished=jobs["status"] != "FINISHED").sort_values(
        ["unfinished", f"metrics.{metric}"],
        ascending=[True, ascending],
        na_position="last",
        kind="stable",
    )


def markdown_table(table: pd.DataFrame) -> str:
    """The table in Markdown, as printed by `pipelines/compare.py`."""
    return table.to_markdown(index=False)


def write_table(table: pd.DataFrame, output_dir: str | Path) -> list[Path]:
    """Writes `table` as `comparison.csv` and `comparison.md` into `output_dir`.

    Args:
        table: A table from `compare_runs`.
        output_dir: The folder to write into; created if missing.

    Returns:
        The paths of the CSV and the Markdown file.
    """
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, markdown_path = folder / "comparison.csv", folder / "comparison.md"
    table.to_csv(csv_path, index=False)
    markdown_path.write_text(markdown_table(table) + "\n")
    return [csv_path, markdown_path]


def log_on_sweep_parent(sweep_id: str, paths: list[Path]) -> str:
    """Logs files on the sweep's parent run under `comparison/` and returns where they are."""
    client = mlflow.MlflowClient()
    for path in paths:
        client.log_artifact(sweep_id, str(path), artifact_path=COMPARISON_FOLDER)
    return f"{client.get_run(sweep_id).info.artifact_uri}/{COMPARISON_FOLDER}"
