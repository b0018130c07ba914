"""Which MLflow run a restarted training continues, from its config's backup folder.

Backups are kept per config: the folder name is a hash of everything that shapes the
training (data, model, optimizer, trainer, seed), so running the same config again finds
the backup of the interrupted attempt, and any other config starts afresh.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException

RUN_FILE = "mlflow_run.json"
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
    folder = Path(backup_root) / config_key(config)
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
