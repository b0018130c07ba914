"""kerasmap on a table, as a user runs it: `pipelines/train.py` in a process of its own, tracked
into the benchmark's MLflow store, and its figures read back from that store."""

import os
import subprocess
import sys
import time
from pathlib import Path

from mlflow import MlflowClient

from table import Table

REPO_ROOT = Path(__file__).resolve().parents[2]
# `test_auc` is Keras's `AUC` metric: the ROC curve over 200 thresholds, not scikit-learn's
# exact area, so a binary table's kerasmap figure is close to, not exactly, a `roc_auc_score`.
TEST_METRICS = {"multiclass": "test_accuracy", "binary": "test_auc", "regression": "test_r2"}


def kerasmap_command(
    table: Table, train_csv: Path, test_csv: Path, store: Path, overrides: list[str]
) -> list[str]:
    """`pipelines/train.py` on the table's split files, then the user's overrides."""
    return [
        sys.executable,
        "pipelines/train.py",
        "data=table",
        f"data.path={train_csv}",
        f"data.test_path={test_csv}",
        f"data.target={table.target}",
        f"data.task={table.task}",
        f"tracking.uri=sqlite:///{store}/mlflow.db",
        f"tracking.artifact_root={store}/mlruns",
        f"tracking.run_name=bench-tables-{table.name}",
        f"trainer.backup_dir={store}/backups",
        *overrides,
    ]


def run_kerasmap(command: list[str], log_path: Path) -> dict:
    """Runs `command` from the repository root, its output to `log_path`.

    Returns:
        `wall_s` (the whole command) and `returncode`.
    """
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MLFLOW_DISABLE_TELEMETRY": "true"}
    with open(log_path, "w") as log:
        log.write(" ".join(command) + "\n\n")
        log.flush()
        start = time.perf_counter()
        process = subprocess.run(
            command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
    return {"wall_s": time.perf_counter() - start, "returncode": process.returncode}


def read_run(store: Path, run_name: str, task: str) -> dict:
    """The test figure, training seconds and epochs of the run named `run_name`.

    Training seconds are the sum of the logged `epoch_seconds` (training and validation), over
    the run's child runs too when it has some (`trainer.folds`, `trainer.repeats`); NaN when
    the model logs no epochs.

    Returns:
        `score`, `train_s`, `run_s` (MLflow's start to end of the run), `epochs_run`.
    """
    client = MlflowClient(f"sqlite:///{store}/mlflow.db")
    experiments = [experiment.experiment_id for experiment in client.search_experiments()]
    runs = client.search_runs(
        experiments, f"attributes.run_name = '{run_name}'", order_by=["attributes.start_time ASC"]
    )
    run = runs[0]  # a parent starts before its child runs
    children = client.search_runs(experiments, f"tags.`mlflow.parentRunId` = '{run.info.run_id}'")
    seconds = [
        point.value
        for member in [run, *children]
        for point in client.get_metric_history(member.info.run_id, "epoch_seconds")
    ]
    return {
        "score": _model_score(run.data.metrics, TEST_METRICS[task]),
        "train_s": sum(seconds) if seconds else float("nan"),
        "run_s": (run.info.end_time - run.info.start_time) / 1000,
        "epochs_run": run.data.metrics.get("epochs_run", float("nan")),
    }


def _model_score(metrics: dict, name: str) -> float:
    """The test figure of the run's logged model: for a cross-validation, its folds' average
    model (`ensemble_<name>`), not the mean of the folds' own figures."""
    return metrics.get(f"ensemble_{name}", metrics.get(name, float("nan")))
