"""Sweeps in MLflow: one parent run per `-m` sweep, one nested child run per job.

`SweepParentRun`, a Hydra callback registered in `conf/config.yaml`, opens the parent when
a sweep starts and closes it with the job counts and the best job; it works with any sweeper
and launcher (a grid, the Optuna search, the parallel joblib launcher, SLURM jobs through
submitit). The parent's id and the swept keys are written into the sweep's output folder, so
every job (in this process, a launcher's worker or a cluster job started in the same folder)
nests its run under the same parent and is named after its values.

Every run of a sweep, parent included, carries `SWEEP_ID_TAG`, so one query finds them:

    mlflow.search_runs(filter_string=f"tags.`{SWEEP_ID_TAG}` = '{sweep_id}'")
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from kerasmap.recording.secrets import redact_text
from kerasmap.tasks import natural_direction

log = logging.getLogger(__name__)

SWEEP_ID_TAG = "kerasmap.sweep_id"  # the sweep's id, on the parent and on every job
ROLE_TAG = "kerasmap.sweep_role"  # ROLE_PARENT or ROLE_JOB
ROLE_PARENT = "parent"
ROLE_JOB = "job"
JOB_NUMBER_TAG = "kerasmap.sweep_job"  # Hydra's job number within the sweep
# On a job run by submitit (hydra/launcher=slurm or submitit_local): its SLURM job id, which
# names its folder of logs, <sweep dir>/.submitit/<id>/.
CLUSTER_JOB_TAG = "kerasmap.cluster_job_id"
BEST_RUN_TAG = "kerasmap.best_run_id"  # on the parent: the job with the best objective
BEST_PARAM_PREFIX = "best."  # on the parent: the best job's value of each swept key
OVERRIDES_PARAM = "sweep.overrides"  # on the parent: the sweep's command-line overrides
SWEPT_KEYS_PARAM = "sweep.swept_keys"  # on the parent: comma-separated keys that vary
METRIC_PARAM = "sweep.metric"  # on the parent: the objective, e.g. best_val_loss
DIRECTION_PARAM = "sweep.direction"  # on the parent: minimize or maximize
JOBS_FINISHED_METRIC = "jobs_finished"  # on the parent, at the end of the sweep
JOBS_FAILED_METRIC = "jobs_failed"

SWEEP_FILE = ".kerasmap_sweep.json"  # in the sweep folder: the parent's id and the swept keys
SHORT_KEYS = {"weight_decay": "wd", "learning_rate": "lr"}  # in job run names
OPEN_SWEEPS: list["SweepParentRun"] = []  # closed as KILLED if the process is interrupted


class SweepParentRun(Callback):
    """Opens the parent run when a sweep starts and closes it with its results."""

    def __init__(self) -> None:
        self.parent_id: str | None = None
        self.objective: tuple[str, str] = ("", "")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from kerasmap.recording.reachability import TrackingUnavailableError, usable_tracking_uri
        from kerasmap.recording.store import StoreUnusableError, open_experiment

        tracking = config.tracking
        try:
            uri = usable_tracking_uri(tracking.uri, tracking.required)
            experiment_id = open_experiment(uri, tracking.experiment, tracking.artifact_root)
        except (TrackingUnavailableError, StoreUnusableError):
            # No parent: the first job stops the sweep with the same sentence (Hydra would
            # turn an error raised here into a warning and go on).
            return
        overrides = list(config.hydra.overrides.task)
        metric = f"best_{config.trainer.monitor}"
        direction = config.hydra.sweeper.get("direction") or natural_direction(metric)
        self.objective = (metric, str(direction))
        keys = swept_keys(config, overrides)
        params = {
            OVERRIDES_PARAM: " ".join(overrides) or "(none)",
            SWEPT_KEYS_PARAM: ",".join(keys),
            METRIC_PARAM: metric,
            DIRECTION_PARAM: self.objective[1],
        }
        sweep_dir = Path(config.hydra.sweep.dir)
        self.parent_id = _start_parent_run(experiment_id, sweep_dir, params)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        (sweep_dir / SWEEP_FILE).write_text(
            json.dumps({"parent_run_id": self.parent_id, "swept_keys": keys})
        )
        OPEN_SWEEPS.append(self)
        log.info("Sweep recorded as MLflow run %s in %s", self.parent_id, redact_text(uri))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self.close(status="FINISHED")

    def close(self, status: str) -> None:
        """Logs the job counts and the best job on the parent run and ends it."""
        if self.parent_id is None:
            return
        finished, failed = _finish_parent_run(self.parent_id, *self.objective, status=status)
        log.info(
            "Sweep %s %s (jobs finished: %d, failed: %d). Compare them: make compare sweep_id=%s",
            self.parent_id,
            status,
            finished,
            failed,
            self.parent_id,
        )
        self.parent_id = None
        OPEN_SWEEPS.remove(self)


def close_open_sweeps(status: str = "KILLED") -> None:
    """Ends every parent run this process opened and did not close (Ctrl-C, a crash).

    Not when the tracking server stopped answering: MLflow would retry for minutes, and a
    parent left RUNNING there is never taken for a finished sweep.
    """
    import mlflow

    from kerasmap.recording.reachability import server_lost

    if OPEN_SWEEPS and server_lost(mlflow.get_tracking_uri()):
        OPEN_SWEEPS.clear()
        return
    for sweep in list(OPEN_SWEEPS):
        sweep.close(status=status)


def swept_keys(config: DictConfig, overrides: list[str]) -> list[str]:
    """Keys that vary across the sweep's jobs: sweep overrides and a search's parameters."""
    parsed = OverridesParser.create().parse_overrides(overrides)
    keys = [override.key_or_group for override in parsed if override.is_sweep_override()]
    keys += [str(key) for key in config.hydra.sweeper.get("params") or {} if key not in keys]
    return keys


@dataclass(frozen=True)
class SweepJob:
    """One job of a sweep: its parent run, Hydra's job number and its swept values.

    Args:
        parent_id: The sweep's parent run id (also the sweep id).
        number: Hydra's job number within the sweep.
        swept_values: This job's value of each swept key, e.g. `{"model.dropout": "0.3"}`.
        cluster_job: The submitit (SLURM) job running it, or `None`. Defaults to `None`.
    """

    parent_id: str
    number: int
    swept_values: dict[str, str]
    cluster_job: str | None = None

    def tags(self) -> dict[str, str]:
        """Tags that place this job's run in its sweep."""
        cluster = {CLUSTER_JOB_TAG: self.cluster_job} if self.cluster_job else {}
        return _job_tags(self.parent_id, self.number) | cluster

    def run_name(self, base: str) -> str:
        """`base` followed by the swept values, e.g. `mlp-moons dropout=0.3 wd=0.001`."""
        values = [f"{_short_key(key)}={value}" for key, value in self.swept_values.items()]
        return " ".join([base, *values])

    def record_failure(self, run_name: str, reason: str) -> None:
        """Records the job as a FAILED run unless its own run already recorded the failure."""
        if not _job_has_run(self.parent_id, self.number):
            _record_failed_job(self, self.run_name(run_name), reason)


def current_sweep_job() -> SweepJob | None:
    """The sweep job Hydra is running now, or `None` for a single run."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return None
    hydra_config = HydraConfig.get()
    marker = Path(hydra_config.sweep.dir) / SWEEP_FILE
    if not marker.exists():
        return None
    sweep = json.loads(marker.read_text())
    values = dict(override.lstrip("+~").split("=", 1) for override in hydra_config.overrides.task)
    swept = {key: _readable(values[key]) for key in sweep["swept_keys"] if key in values}
    return SweepJob(sweep["parent_run_id"], int(hydra_config.job.num), swept, _cluster_job())


def _cluster_job() -> str | None:
    # submitit marks the processes it starts; only there does JobEnvironment work.
    if not os.environ.get("SUBMITIT_EXECUTOR"):
        return None
    import submitit

    return submitit.JobEnvironment().job_id


def _short_key(key: str) -> str:
    last = key.rsplit(".", 1)[-1]
    return SHORT_KEYS.get(last, last)


def _readable(value: str) -> str:
    """A swept value as written, but a long number (a search's) to 4 significant digits."""
    try:
        number = float(value)
    except ValueError:
        return value.replace(" ", "")
    return f"{number:.4g}" if len(value) > 8 else value


def _start_parent_run(experiment_id: str, sweep_dir: Path, params: dict[str, str]) -> str:
    from mlflow import MlflowClient

    client = MlflowClient()
    run = client.create_run(
        experiment_id, run_name=f"sweep-{sweep_dir.name}", tags={ROLE_TAG: ROLE_PARENT}
    )
    run_id = run.info.run_id
    client.set_tag(run_id, SWEEP_ID_TAG, run_id)
    for key, value in params.items():
        client.log_param(run_id, key, value)
    return run_id


def _job_tags(parent_id: str, job_number: int) -> dict[str, str]:
    return {SWEEP_ID_TAG: parent_id, ROLE_TAG: ROLE_JOB, JOB_NUMBER_TAG: str(job_number)}


def job_runs(parent_id: str):
    """The runs of a sweep's jobs, as an `mlflow.search_runs` DataFrame."""
    import mlflow

    experiment_id = mlflow.MlflowClient().get_run(parent_id).info.experiment_id
    return mlflow.search_runs(
        [experiment_id],
        filter_string=(
            f"tags.`{SWEEP_ID_TAG}` = '{parent_id}' and tags.`{ROLE_TAG}` = '{ROLE_JOB}'"
        ),
    )


def _record_failed_job(job: SweepJob, run_name: str, reason: str) -> None:
    """Records a job that failed before its run started (bad values, unreadable data)."""
    from mlflow import MlflowClient

    from kerasmap.recording.lifecycle import FAILURE_TAG

    client = MlflowClient()
    experiment_id = client.get_run(job.parent_id).info.experiment_id
    tags = {**job.tags(), FAILURE_TAG: reason[:5000], "mlflow.parentRunId": job.parent_id}
    run = client.create_run(experiment_id, run_name=run_name, tags=tags)
    client.set_terminated(run.info.run_id, status="FAILED")


def _job_has_run(parent_id: str, job_number: int) -> bool:
    runs = job_runs(parent_id)
    if runs.empty or f"tags.{JOB_NUMBER_TAG}" not in runs:
        return False
    return bool((runs[f"tags.{JOB_NUMBER_TAG}"] == str(job_number)).any())


def _finish_parent_run(parent_id: str, metric: str, direction: str, status: str) -> tuple[int, int]:
    """Logs job counts and the best job on the parent, then ends it with `status`.

    Returns:
        The numbers of jobs finished and failed.
    """
    from mlflow import MlflowClient

    client = MlflowClient()
    runs = job_runs(parent_id)
    finished = int((runs["status"] == "FINISHED").sum()) if not runs.empty else 0
    client.log_metric(parent_id, JOBS_FINISHED_METRIC, finished)
    client.log_metric(parent_id, JOBS_FAILED_METRIC, len(runs) - finished)
    best = best_job(runs, metric, direction)
    if best is not None:
        client.set_tag(parent_id, BEST_RUN_TAG, best["run_id"])
        client.log_metric(parent_id, metric, float(best[f"metrics.{metric}"]))
        swept = client.get_run(parent_id).data.params.get(SWEPT_KEYS_PARAM, "")
        for key in filter(None, swept.split(",")):
            value = best.get(f"params.{key}")
            if value is not None:
                client.log_param(parent_id, f"{BEST_PARAM_PREFIX}{key}", value)
    client.set_terminated(parent_id, status=status)
    return finished, len(runs) - finished


def best_job(runs, metric: str, direction: str):
    """The finished job with the best `metric`, or `None` when there is none."""
    import numpy as np

    column = f"metrics.{metric}"
    if runs.empty or column not in runs:
        return None
    finished = runs[(runs["status"] == "FINISHED") & np.isfinite(runs[column].astype(float))]
    if finished.empty:
        return None
    index = finished[column].idxmax() if direction == "maximize" else finished[column].idxmin()
    return finished.loc[index]
