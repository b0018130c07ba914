"""A killed training process, started again with the same config, continues its run."""

import json
import signal
import subprocess
import sys
import time

import mlflow
import pytest

from kerasmap.recording.resume import config_key

from pipeline_helpers import REPO_ROOT, new_store, run_cli, store_overrides

# Epochs long enough to stop the process between them; deterministic, so runs compare exactly.
TRAINING = [
    "data=moons",
    "data.num_samples=8000",
    "trainer.epochs=5",
    "trainer.patience=10",
    "trainer.deterministic=true",
    "model.dropout=0.2",
    "tracking.log_model=false",
]
PER_EPOCH = ("loss", "val_loss", "accuracy", "val_accuracy")


def recorded(folder) -> list[dict]:
    """The store's runs, each with its per-epoch histories as (step, value) pairs."""
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    client = mlflow.MlflowClient()
    runs = []
    for run in mlflow.search_runs(experiment_names=["kerasmap"], output_format="list"):
        histories = {
            name: sorted(
                (point.step, point.value)
                for point in client.get_metric_history(run.info.run_id, name)
            )
            for name in PER_EPOCH
        }
        runs.append({"id": run.info.run_id, "status": run.info.status, "run": run, **histories})
    return runs


def start_and_stop_after(folder, completed_epochs: int, stop_signal) -> None:
    """Starts the training and sends it `stop_signal` once `completed_epochs` are backed up."""
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO_ROOT / "pipelines" / "train.py"),
            *TRAINING,
            *store_overrides(folder),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        metadata = list((folder / "backups").glob("*/latest/training_metadata.json"))
        if metadata and json.loads(metadata[0].read_text())["epoch"] >= completed_epochs:
            break
        time.sleep(0.05)
    assert process.poll() is None, "training ended before it could be stopped"
    process.send_signal(stop_signal)
    process.wait(timeout=60)


@pytest.mark.slow
def test_a_run_killed_twice_resumes_in_the_same_run_with_the_uninterrupted_result(tmp_path):
    reference = new_store(tmp_path / "uninterrupted")
    result = run_cli("train", [*TRAINING, *store_overrides(reference)])
    assert result.returncode == 0, result.stderr
    (uninterrupted,) = recorded(reference)

    interrupted = new_store(tmp_path / "interrupted")
    start_and_stop_after(interrupted, 2, signal.SIGKILL)  # nothing runs on SIGKILL: stays RUNNING
    (killed,) = recorded(interrupted)
    assert killed["status"] == "RUNNING"
    assert len(killed["loss"]) >= 2

    start_and_stop_after(interrupted, 3, signal.SIGTERM)  # `kill`: the run ends KILLED
    (terminated,) = recorded(interrupted)
    assert (terminated["id"], terminated["status"]) == (killed["id"], "KILLED")

    result = run_cli("train", [*TRAINING, *store_overrides(interrupted)])
    assert result.returncode == 0, result.stderr
    (resumed,) = recorded(interrupted)
    assert (resumed["id"], resumed["status"]) == (killed["id"], "FINISHED")
    for name in PER_EPOCH:
        assert [step for step, _ in resumed[name]] == [0, 1, 2, 3, 4]  # none lost or duplicated
        assert resumed[name] == uninterrupted[name]
    for metric in ("test_loss", "test_accuracy", "best_val_loss"):
        assert resumed["run"].data.metrics[metric] == uninterrupted["run"].data.metrics[metric]
    assert not list((interrupted / "backups").glob("*/latest/training_metadata.json"))


def test_backups_are_kept_per_config_and_ignore_where_runs_are_recorded():
    config = {
        "model": {"dropout": 0.1},
        "trainer": {"epochs": 3, "resume": True},
        "tracking": {"uri": "sqlite:///a.db"},
    }
    moved = {**config, "tracking": {"uri": "http://127.0.0.1:5000"}}
    changed = {**config, "model": {"dropout": 0.2}}
    assert config_key(config) == config_key(moved)
    assert config_key(config) != config_key(changed)
