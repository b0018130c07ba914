"""Commands started together on an MLflow store that does not exist yet all record their runs.

MLflow creates a database store in whichever process opens it first; kerasmap has every
other process wait for that creation under a lock beside the database, so none of them fails
half-way through it.
"""

import subprocess
import sys
from pathlib import Path

import mlflow
import pytest

from pipeline_helpers import REPO_ROOT, TINY_MOONS, runs_in, store_overrides

pytestmark = pytest.mark.slow

SEEDS = (1, 2)  # two processes racing to create the store; each more adds a TensorFlow start


def start_training(store: Path, seed: int) -> subprocess.Popen:
    """`pipelines/train.py` of one tiny run into `store`, started and not waited for."""
    arguments = [*TINY_MOONS, f"seed={seed}", "tracking.log_model=false", *store_overrides(store)]
    return subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "pipelines" / "train.py"), *arguments],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_commands_started_together_on_a_new_store_all_record_every_epoch(tmp_path):
    store = tmp_path / "new"  # not even its folder exists
    commands = [start_training(store, seed) for seed in SEEDS]
    errors = [command.communicate(timeout=300)[1] for command in commands]

    assert [command.returncode for command in commands] == [0] * len(SEEDS), errors
    runs = runs_in(store)
    assert sorted(runs["params.seed"].astype(int)) == list(SEEDS)
    assert set(runs["status"]) == {"FINISHED"}
    client = mlflow.MlflowClient()
    for run_id in runs["run_id"]:
        assert [point.step for point in client.get_metric_history(run_id, "loss")] == [0, 1]
    assert (store / "mlflow.db-lock").exists()  # the lock lives beside the database
