"""A killed training process, started again with the same config, continues its run."""

import json
import signal
import subprocess
import sys
import time

import mlflow
import pytest

from kerasmap.tracking.resume import config_key

from pipeline_helpers import REPO_ROOT, run_cli, store_overrides

TRAINING = [
    "data=moons",
    "data.num_samples=20000",
    "trainer.epochs=4",
    "trainer.patience=10",
    "trainer.deterministic=true",
    "model.dropout=0.2",
]
PER_EPOCH = ("loss", "val_loss", "accuracy", "val_accuracy")


def recorded(folder):
    """The store's runs, each with its per-epoch histories as (step, value) pairs."""
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    client = mlflow.MlflowClient()
    runs = []
    for _, run in mlflow.search_runs(experiment_names=["kerasmap"]).iterrows():
        histories = {
            name: sorted(
                (point.step, point.value) for point in client.get_metric_history(run.run_id, name)
            )
            for name in PER_EPOCH
        }
        runs.append({"id": run.run_id, "status": run.status, "run": run, **histories})
    return runs


def start_and_stop_after_two_epochs(folder, stop_signal):
    """Starts a training process and sends it `stop_signal` once two epochs are backed up."""
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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        metadata = list((folder / "backups").glob("*/training_metadata.json"))
        if metadata and json.loads(metadata[0].read_text())["epoch"] >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "training ended before it could be stopped"
    process.send_signal(stop_signal)
    process.wait(timeout=60)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uninterrupted")
    result = run_cli("train", [*TRAINING, *store_overrides(folder)])
    assert result.returncode == 0, result.stderr
    (run,) = recorded(folder)
    return run


@pytest.mark.parametrize(
    "stop_signal, status_while_stopped",
    [
        (signal.SIGKILL, "RUNNING"),  # nothing can run on SIGKILL: the run stays open
        (signal.SIGTERM, "KILLED"),
    ],
)
def test_a_stopped_run_resumes_in_the_same_run_with_the_uninterrupted_result(
    tmp_path, uninterrupted, stop_signal, status_while_stopped
):
    start_and_stop_after_two_epochs(tmp_path, stop_signal)
    (stopped,) = recorded(tmp_path)
    assert stopped["status"] == status_while_stopped
    assert len(stopped["loss"]) >= 2

    result = run_cli("train", [*TRAINING, *store_overrides(tmp_path)])
    assert result.returncode == 0, result.stderr

    (resumed,) = recorded(tmp_path)
    assert resumed["id"] == stopped["id"]
    assert resumed["status"] == "FINISHED"
    for name in PER_EPOCH:
        assert [step for step, _ in resumed[name]] == [0, 1, 2, 3]  # none lost or duplicated
        assert resumed[name] == uninterrupted[name]
    for metric in ("metrics.test_loss", "metrics.test_accuracy", "metrics.best_val_loss"):
        assert resumed["run"][metric] == uninterrupted["run"][metric]
    assert not list((tmp_path / "backups").glob("*/training_metadata.json"))


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
