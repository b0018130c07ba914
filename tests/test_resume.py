"""A killed training process, started again with the same config, continues its run."""

import fcntl
import json
import signal
import subprocess
import sys
import time

import mlflow
import pytest

from kerasmap import stages
from kerasmap.recording.resume import CLAIM_FILE, config_key

from pipeline_helpers import REPO_ROOT, new_store, store_overrides, train_in_process

# Epochs long enough to stop the process between them. Without augmentation, runs of one
# config on a CPU repeat exactly even without `trainer.deterministic` (see the README), so an
# uninterrupted run trained here is the reference.
TRAINING = [
    "data=moons",
    "data.num_samples=16000",
    "trainer.epochs=4",
    "trainer.batch_size=16",  # 720 steps an epoch: long enough to stop between epochs
    "trainer.patience=10",
    "model.dropout=0.2",
    "tracking.log_model=false",
    "trainer.jit_compile=false",  # XLA would compile for a second in each of 4 processes
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


def backed_up_epochs(folder) -> int:
    """Epochs the last complete backup under `folder` holds (0 when there is none)."""
    metadata = list((folder / "backups").glob("*/latest/training_metadata.json"))
    return json.loads(metadata[0].read_text())["epoch"] if metadata else 0


def start_and_stop_after(folder, completed_epochs: int, stop_signal) -> int:
    """Starts the training and sends it `stop_signal` once it has backed up `completed_epochs`
    (and at least one epoch of its own: a backup left by an earlier process does not count).

    Returns:
        The epochs backed up when the signal was sent.
    """
    target = max(completed_epochs, backed_up_epochs(folder) + 1)
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO_ROOT / "pipelines" / "train.py"),
            *TRAINING,
            *store_overrides(folder),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / f"stopped-by-{stop_signal.name}.log", "w"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        if backed_up_epochs(folder) >= target:
            break
        time.sleep(0.05)
    assert process.poll() is None, "training ended before it could be stopped"
    process.send_signal(stop_signal)
    process.wait(timeout=60)
    return target


@pytest.mark.slow
def test_a_run_killed_twice_resumes_in_the_same_run_with_the_uninterrupted_result(tmp_path):
    reference = tmp_path / "uninterrupted"
    train_in_process(reference, *TRAINING)
    (uninterrupted,) = recorded(reference)

    interrupted = new_store(tmp_path / "interrupted")
    start_and_stop_after(interrupted, 1, signal.SIGKILL)  # nothing runs on SIGKILL: stays RUNNING
    (killed,) = recorded(interrupted)
    assert killed["status"] == "RUNNING"
    assert len(killed["loss"]) >= 1

    start_and_stop_after(interrupted, 2, signal.SIGTERM)  # `kill`: the run ends KILLED
    (terminated,) = recorded(interrupted)
    assert (terminated["id"], terminated["status"]) == (killed["id"], "KILLED"), (
        interrupted / "stopped-by-SIGTERM.log"
    ).read_text()[-3000:]

    # Started again here: the two stops above needed processes of their own, the resume not.
    train_in_process(interrupted, *TRAINING)
    (resumed,) = recorded(interrupted)
    assert (resumed["id"], resumed["status"]) == (killed["id"], "FINISHED")
    for name in PER_EPOCH:
        assert [step for step, _ in resumed[name]] == [0, 1, 2, 3]  # none lost or duplicated
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


def test_a_config_another_process_is_training_gets_a_run_and_folder_of_its_own(
    tmp_path, monkeypatch
):
    overrides = [
        "data=moons",
        "data.num_samples=200",
        "trainer.epochs=2",
        "tracking.log_model=false",
    ]
    evaluate = stages.evaluate

    def stopped_once(*arguments):
        monkeypatch.setattr(stages, "evaluate", evaluate)
        raise SystemExit(144)  # e.g. preempted: the folder is kept for the restart

    monkeypatch.setattr(stages, "evaluate", stopped_once)
    with pytest.raises(SystemExit):
        train_in_process(tmp_path, *overrides)
    (folder,) = (tmp_path / "backups").iterdir()
    stopped_id = json.loads((folder / "mlflow_run.json").read_text())["run_id"]
    # A process still training this config holds its folder, as a running one does.
    with open(folder / CLAIM_FILE, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        other = train_in_process(tmp_path, *overrides)
    assert other.info.run_id != stopped_id and other.info.status == "FINISHED"
    assert mlflow.get_run(stopped_id).info.status == "KILLED"  # left to its own process
    continued = train_in_process(tmp_path, *overrides)  # the folder is free again
    assert continued.info.run_id == stopped_id and continued.info.status == "FINISHED"
    assert list((tmp_path / "backups").iterdir()) == []
