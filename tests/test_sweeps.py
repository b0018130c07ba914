"""`-m` sweeps: one MLflow parent run per sweep, one nested run per job, failures recorded."""

import itertools

import pytest

from kerasmap.tracking import sweep_tags
from kerasmap.tracking.lifecycle import FAILURE_TAG

from pipeline_helpers import run_cli, runs_in, store_overrides

TINY = ["data=moons", "data.num_samples=200", "trainer.epochs=2", "model.hidden_units=[8]"]


def sweep(tmp_path, *arguments: str):
    folder = [f"hydra.sweep.dir={tmp_path}/sweep"]
    result = run_cli("train", ["-m", *TINY, *arguments, *store_overrides(tmp_path)[:3], *folder])
    assert result.returncode == 0, result.stderr
    runs = runs_in(tmp_path)
    role = runs[f"tags.{sweep_tags.ROLE_TAG}"]
    return runs[role == sweep_tags.ROLE_PARENT].iloc[0], runs[role == sweep_tags.ROLE_JOB]


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("grid")
    return sweep(tmp_path, "model.dropout=0.0,0.3", "optimizer.weight_decay=0,1e-4")


def test_a_grid_is_one_parent_with_a_finished_child_per_combination(grid):
    parent, jobs = grid
    assert len(jobs) == 4
    assert (jobs["status"] == "FINISHED").all()
    combinations = set(
        zip(jobs["params.model.dropout"], jobs["params.optimizer.weight_decay"], strict=True)
    )
    assert combinations == set(itertools.product(["0.0", "0.3"], ["0.0", "0.0001"]))
    assert (jobs["tags.mlflow.parentRunId"] == parent.run_id).all()
    assert (jobs[f"tags.{sweep_tags.SWEEP_ID_TAG}"] == parent.run_id).all()
    assert parent[f"tags.{sweep_tags.SWEEP_ID_TAG}"] == parent.run_id


def test_the_parent_records_the_sweep_and_its_best_job(grid):
    parent, jobs = grid
    assert parent["status"] == "FINISHED"
    assert parent[f"params.{sweep_tags.SWEPT_KEYS_PARAM}"] == "model.dropout,optimizer.weight_decay"
    assert "model.dropout=0.0,0.3" in parent[f"params.{sweep_tags.OVERRIDES_PARAM}"]
    assert parent[f"params.{sweep_tags.METRIC_PARAM}"] == "best_val_loss"
    assert parent[f"metrics.{sweep_tags.JOBS_FINISHED_METRIC}"] == 4
    assert parent[f"metrics.{sweep_tags.JOBS_FAILED_METRIC}"] == 0
    best = jobs.loc[jobs["metrics.best_val_loss"].idxmin()]
    assert parent[f"tags.{sweep_tags.BEST_RUN_TAG}"] == best.run_id
    assert parent["metrics.best_val_loss"] == pytest.approx(best["metrics.best_val_loss"])
    assert parent["params.best.model.dropout"] == best["params.model.dropout"]
    assert parent["params.best.optimizer.weight_decay"] == best["params.optimizer.weight_decay"]
    assert parent["end_time"] >= jobs["end_time"].max()


def test_a_diverging_job_fails_with_its_reason_and_the_sweep_goes_on(tmp_path):
    parent, jobs = sweep(tmp_path, "optimizer=sgd", "optimizer.learning_rate=0.01,1e30,0.02")
    failed = jobs[jobs["status"] == "FAILED"]
    assert len(failed) == 1
    assert failed.iloc[0]["params.optimizer.learning_rate"] == "1e+30"
    assert "Training diverged" in failed.iloc[0][f"tags.{FAILURE_TAG}"]
    assert (jobs["status"] == "FINISHED").sum() == 2
    assert parent[f"metrics.{sweep_tags.JOBS_FINISHED_METRIC}"] == 2
    assert parent[f"metrics.{sweep_tags.JOBS_FAILED_METRIC}"] == 1
    assert parent[f"tags.{sweep_tags.BEST_RUN_TAG}"] in set(
        jobs[jobs["status"] == "FINISHED"].run_id
    )


def test_a_job_with_a_bad_value_is_recorded_failed_before_training(tmp_path):
    parent, jobs = sweep(tmp_path, "model.dropout=0.1,1.5")
    failed = jobs[jobs["status"] == "FAILED"]
    assert len(failed) == 1
    assert "`model.dropout`, expected a float in [0, 1)" in failed.iloc[0][f"tags.{FAILURE_TAG}"]
    assert failed.iloc[0]["tags.mlflow.parentRunId"] == parent.run_id
    assert parent[f"metrics.{sweep_tags.JOBS_FAILED_METRIC}"] == 1


def test_parallel_jobs_all_land_complete_in_one_store(tmp_path):
    parent, jobs = sweep(tmp_path, "hydra/launcher=parallel", "model.dropout=0.0,0.1,0.2,0.3")
    assert len(jobs) == 4
    assert (jobs["status"] == "FINISHED").all()
    assert jobs["metrics.test_accuracy"].notna().all()
    assert parent[f"metrics.{sweep_tags.JOBS_FINISHED_METRIC}"] == 4


def test_a_sweep_stopped_by_a_bad_sweeper_option_leaves_no_run_running(tmp_path):
    arguments = ["-m", *TINY, "hparams_search=optuna", "hydra.sweeper.n_trials=0"]
    result = run_cli("train", [*arguments, *store_overrides(tmp_path)[:3]])
    assert result.returncode != 0
    assert "Received an invalid value for `hydra.sweeper.n_trials`" in result.stderr
    runs = runs_in(tmp_path)
    assert not (runs["status"] == "RUNNING").any()
