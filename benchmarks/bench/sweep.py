"""The sweep case: a 3x3 `-m` grid in one command, its wall time against its jobs' own time."""

from pathlib import Path

import pandas as pd
from mlflow import MlflowClient

from launch import PYTHON, run_measured, training_arguments

GRID = ["model.dropout=0.0,0.25,0.5", "optimizer.weight_decay=0,1e-4,1e-3"]  # as `make sweep`


def sweep_run(options: dict, store: Path, log_path: Path) -> dict:
    """Runs the grid through `pipelines/train.py -m` with the MLP into its own store.

    Returns:
        `wall_s` of the whole command, `peak_rss_mb`, `jobs`, `jobs_s` (sum of the job runs'
        MLflow start-to-end times) and `training_s` (sum of their epochs' `epoch_seconds`).
    """
    uri = f"sqlite:///{store}/sweep.db"
    MlflowClient(uri).search_experiments()  # an existing store, as for the single runs
    command = [PYTHON, "pipelines/train.py", "-m", "model=mlp", *GRID]
    command += training_arguments(options, uri, store / "sweep-mlruns", store / "sweep-backups")
    command.append(f"hydra.sweep.dir={store}/sweep")
    process = run_measured(command, log_path)
    if process["returncode"]:
        return {**process, "error": f"failed, see {log_path}"}
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("kerasmap")
    jobs = client.search_runs(
        [experiment.experiment_id], "tags.`kerasmap.sweep_role` = 'job'", max_results=100
    )
    training = sum(
        point.value
        for job in jobs
        for point in client.get_metric_history(job.info.run_id, "epoch_seconds")
    )
    job_seconds = sum((job.info.end_time - job.info.start_time) / 1000 for job in jobs)
    return {**process, "jobs": len(jobs), "jobs_s": job_seconds, "training_s": training}


def sweep_table(result: dict) -> pd.DataFrame:
    """The sweep's figures as a two-column table; ratios are the wall time over the others."""
    if "error" in result:
        return pd.DataFrame({"figure": ["sweep"], "value": [result["error"]]})
    rows = {
        "jobs": f"{result['jobs']}",
        "whole command s": f"{result['wall_s']:.1f}",
        "sum of the jobs' runs s (MLflow start to end)": f"{result['jobs_s']:.1f}",
        "sum of the jobs' training s (epoch_seconds)": f"{result['training_s']:.1f}",
        "wall ÷ sum of the jobs' runs": f"{result['wall_s'] / result['jobs_s']:.2f}x",
        "wall ÷ sum of the jobs' training": f"{result['wall_s'] / result['training_s']:.2f}x",
        "peak resident memory MB": f"{result['peak_rss_mb']:.0f}",
    }
    return pd.DataFrame({"figure": list(rows), "value": list(rows.values())})
