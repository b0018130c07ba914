"""Parent runs of sweeps, and how a sweep's jobs find theirs.

The parent's id is written into the sweep's output folder, so every job (in this process
or in a parallel launcher's worker) nests its run under the same parent.
"""

from pathlib import Path

import mlflow
import numpy as np
from mlflow import MlflowClient

from kerasmap.tracking import sweep_tags
from kerasmap.tracking.lifecycle import FAILURE_TAG

PARENT_ID_FILE = ".mlflow_sweep_run_id"
JOB_NUMBER_TAG = "kerasmap.sweep_job"  # Hydra's job number within the sweep


def start_parent_run(experiment_id: str, sweep_dir: Path, params: dict[str, str]) -> str:
    """Creates a sweep's parent run, records its id in `sweep_dir` and returns it."""
    client = MlflowClient()
    run = client.create_run(
        experiment_id,
        run_name=f"sweep-{sweep_dir.name}",
        tags={sweep_tags.ROLE_TAG: sweep_tags.ROLE_PARENT},
    )
    run_id = run.info.run_id
    client.set_tag(run_id, sweep_tags.SWEEP_ID_TAG, run_id)
    for key, value in params.items():
        client.log_param(run_id, key, value)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    (sweep_dir / PARENT_ID_FILE).write_text(run_id)
    return run_id


def parent_run_id(sweep_dir: Path) -> str | None:
    """The parent run recorded for the sweep writing into `sweep_dir`, if any."""
    marker = sweep_dir / PARENT_ID_FILE
    return marker.read_text().strip() if marker.exists() else None


def job_tags(parent_id: str, job_number: int) -> dict[str, str]:
    """Tags that place a job's run in its sweep."""
    return {
        sweep_tags.SWEEP_ID_TAG: parent_id,
        sweep_tags.ROLE_TAG: sweep_tags.ROLE_JOB,
        JOB_NUMBER_TAG: str(job_number),
    }


def job_runs(parent_id: str):
    """The runs of a sweep's jobs, as an `mlflow.search_runs` DataFrame."""
    experiment_id = MlflowClient().get_run(parent_id).info.experiment_id
    return mlflow.search_runs(
        [experiment_id],
        filter_string=(
            f"tags.`{sweep_tags.SWEEP_ID_TAG}` = '{parent_id}' "
            f"and tags.`{sweep_tags.ROLE_TAG}` = '{sweep_tags.ROLE_JOB}'"
        ),
    )


def record_failed_job(parent_id: str, job_number: int, run_name: str, reason: str) -> None:
    """Records a job that failed before its run started (bad values, unreadable data)."""
    client = MlflowClient()
    experiment_id = client.get_run(parent_id).info.experiment_id
    tags = {
        **job_tags(parent_id, job_number),
        FAILURE_TAG: reason[:5000],
        "mlflow.parentRunId": parent_id,
    }
    run = client.create_run(experiment_id, run_name=run_name, tags=tags)
    client.set_terminated(run.info.run_id, status="FAILED")


def job_has_run(parent_id: str, job_number: int) -> bool:
    """Whether the job already recorded a run (so its failure is recorded there)."""
    runs = job_runs(parent_id)
    if runs.empty or f"tags.{JOB_NUMBER_TAG}" not in runs:
        return False
    return bool((runs[f"tags.{JOB_NUMBER_TAG}"] == str(job_number)).any())


def finish_parent_run(parent_id: str, metric: str, direction: str, status: str = "FINISHED"):
    """Logs job counts and the best job on the parent, then ends it with `status`."""
    client = MlflowClient()
    runs = job_runs(parent_id)
    finished = int((runs["status"] == "FINISHED").sum()) if not runs.empty else 0
    client.log_metric(parent_id, sweep_tags.JOBS_FINISHED_METRIC, finished)
    client.log_metric(parent_id, sweep_tags.JOBS_FAILED_METRIC, len(runs) - finished)
    best = best_job(runs, metric, direction)
    if best is not None:
        client.set_tag(parent_id, sweep_tags.BEST_RUN_TAG, best["run_id"])
        client.log_metric(parent_id, metric, float(best[f"metrics.{metric}"]))
        swept = client.get_run(parent_id).data.params.get(sweep_tags.SWEPT_KEYS_PARAM, "")
        for key in filter(None, swept.split(",")):
            value = best.get(f"params.{key}")
            if value is not None:
                client.log_param(parent_id, f"{sweep_tags.BEST_PARAM_PREFIX}{key}", value)
    client.set_terminated(parent_id, status=status)


def best_job(runs, metric: str, direction: str):
    """The finished job with the best `metric`, or `None` when there is none."""
    column = f"metrics.{metric}"
    if runs.empty or column not in runs:
        return None
    finished = runs[(runs["status"] == "FINISHED") & np.isfinite(runs[column].astype(float))]
    if finished.empty:
        return None
    index = finished[column].idxmax() if direction == "maximize" else finished[column].idxmin()
    return finished.loc[index]
