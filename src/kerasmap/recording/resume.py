"""Which MLflow run a restarted training continues, from its config's backup folder.

Backups are kept per config: the folder name is a hash of everything that shapes the
training (data, model, optimizer, trainer, seed), so running the same config again finds
the backup of the interrupted attempt, and any other config starts afresh.
"""

import contextlib
import fcntl
import hashlib
import itertools
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import mlflow
from mlflow.exceptions import MlflowException

from kerasmap.recording.lifecycle import STOPS

RUN_FILE = "mlflow_run.json"
CLAIM_FILE = ".in_use"  # locked by the process training this config now
NOT_HASHED = ("tracking",)  # where a run is recorded does not change the training


@dataclass(frozen=True)
class ResumePoint:
    """Where this config's backup lives, and the run to continue if there is one.

    Args:
        folder: The config's backup folder; `None` when resuming is off.
        run_id: The interrupted run to continue, or `None` to start a new run.
    """

    folder: Path | None
    run_id: str | None


def config_key(config: dict) -> str:
    """A short, stable hash of the parts of a resolved config that shape the training."""
    shaping = {key: value for key, value in config.items() if key not in NOT_HASHED}
    shaping["trainer"] = {
        key: value
        for key, value in shaping.get("trainer", {}).items()
        if key not in ("resume", "backup_dir")
    }
    text = json.dumps(shaping, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def find_resume_point(backup_root: str, config: dict) -> ResumePoint:
    """The backup folder of `config` and the unfinished run recorded there, if any."""
    return _resume_point_in(Path(backup_root) / config_key(config))


@contextlib.contextmanager
def claimed_resume_point(backup_root: str, config: dict) -> Iterator[ResumePoint]:
    """`find_resume_point`, with the backup folder held by this process until the run ends.

    A process already training the same config (a second terminal, or two workers of a search
    that proposed the same values) holds its folder; this one then takes the next free folder,
    `<key>-2`, `<key>-3`, ..., and starts a run of its own instead of writing into the other
    process's run and backups. The hold is an advisory lock that ends with the process, so a
    killed or preempted run's folder is free for its restart.
    """
    key = config_key(config)
    for number in itertools.count(1):
        folder = Path(backup_root) / (key if number == 1 else f"{key}-{number}")
        claim = _claim(folder)
        if claim is not None:
            break
    try:
        yield _resume_point_in(folder)
    finally:
        claim.close()


def _claim(folder: Path) -> TextIO | None:
    """An open, exclusively locked file in `folder`, or `None` if another process holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / CLAIM_FILE, "w")  # held open, and locked, for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _resume_point_in(folder: Path) -> ResumePoint:
    record = folder / RUN_FILE
    if not record.exists():
        return ResumePoint(folder, None)
    run_id = json.loads(record.read_text())["run_id"]
    try:
        status = mlflow.get_run(run_id).info.status
    except MlflowException:
        status = None  # recorded in another store, or deleted: start afresh
    return ResumePoint(folder, run_id if status not in (None, "FINISHED") else None)


def remember_run(folder: Path, run_id: str) -> None:
    """Records the run id with the backup, so a restart continues the same run."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUN_FILE).write_text(json.dumps({"run_id": run_id}))


@contextlib.contextmanager
def kept_for_restart(folder: Path | None) -> Iterator[None]:
    """Removes a run's backup folder, its run record included, once the run has ended.

    The folder stays where a restart should continue the run: when the process was stopped
    (Ctrl-C, `kill`, a cluster preempting the job), even after training ended, since the
    model is evaluated and logged after that; and when training failed midway, leaving a
    backup. A restart after training ended trains again without recording the epochs twice.
    """
    from kerasmap.training.backup import completed_epochs  # imports Keras

    try:
        yield
    except STOPS:
        raise
    except BaseException:
        if folder is not None and not completed_epochs(folder):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
