"""`-m` sweeps: one MLflow parent run per sweep, one nested run per job, failures recorded."""

import itertools

import pytest

from kerasmap import sweeps
from kerasmap.recording.lifecycle import FAILURE_TAG

from pipeline_helpers import TINY_MOONS, new_store, run_cli, runs_in, store_overrides

DROPOUTS, RATES = ["0.0", "0.3", "1.5"], ["0.01", "1e+30"]


def jobs_where(jobs, dropout=None, rate=None):
    chosen = jobs
    if dropout is not None:
        chosen = chosen[chosen["tags.mlflow.runName"].str.contains(f"dropout={dropout} ")]
    if rate is not None:
        chosen = chosen[chosen["tags.mlflow.runName"].str.endswith(f"lr={rate}")]
    return chosen


def test_a_sweep_is_one_parent_with_a_nested_child_per_combination(sweep_store):
    parent, jobs = sweep_store.parent, sweep_store.jobs
    assert len(jobs) == 6
    assert (jobs["tags.mlflow.parentRunId"] == parent.run_id).all()
    assert parent[f"tags.{sweeps.SWEEP_ID_TAG}"] == parent.run_id
    assert sorted(jobs[f"tags.{sweeps.JOB_NUMBER_TAG}"].astype(int)) == list(range(6))


def test_each_job_is_named_after_its_swept_values(sweep_store):
    names = set(sweep_store.jobs["tags.mlflow.runName"])
    assert names == {
        f"mlp-moons dropout={dropout} lr={rate}"
        for dropout, rate in itertools.product(DROPOUTS, RATES)
    }


def test_jobs_run_by_parallel_workers_land_complete(sweep_store):
    finished = sweep_store.jobs[sweep_store.jobs["status"] == "FINISHED"]
    assert set(finished["tags.mlflow.runName"]) == {
        "mlp-moons dropout=0.0 lr=0.01",
        "mlp-moons dropout=0.3 lr=0.01",
    }
    assert finished["metrics.test_accuracy"].notna().all()
    assert (finished["metrics.epochs_run"] == 2).all()


def test_failing_jobs_are_recorded_with_their_reason_and_the_sweep_goes_on(sweep_store):
    jobs = sweep_store.jobs
    diverged = jobs_where(jobs[jobs["status"] == "FAILED"], rate="1e+30")
    diverged = diverged[~diverged["tags.mlflow.runName"].str.contains("dropout=1.5")]
    assert len(diverged) == 2
    assert diverged[f"tags.{FAILURE_TAG}"].str.contains("Training diverged").all()
    bad_value = jobs_where(jobs, dropout="1.5")
    assert len(bad_value) == 2 and (bad_value["status"] == "FAILED").all()
    assert bad_value[f"tags.{FAILURE_TAG}"].str.contains("`model.dropout`, expected a float").all()
    assert (bad_value["tags.mlflow.parentRunId"] == sweep_store.parent.run_id).all()


def test_the_parent_records_the_sweep_and_its_best_job(sweep_store):
    parent, jobs = sweep_store.parent, sweep_store.jobs
    assert parent["status"] == "FINISHED"
    assert parent[f"params.{sweeps.SWEPT_KEYS_PARAM}"] == "model.dropout,optimizer.learning_rate"
    assert "model.dropout=0.0,0.3,1.5" in parent[f"params.{sweeps.OVERRIDES_PARAM}"]
    assert parent[f"params.{sweeps.METRIC_PARAM}"] == "best_val_loss"
    assert parent[f"metrics.{sweeps.JOBS_FINISHED_METRIC}"] == 2
    assert parent[f"metrics.{sweeps.JOBS_FAILED_METRIC}"] == 4
    finished = jobs[jobs["status"] == "FINISHED"]
    best = finished.loc[finished["metrics.best_val_loss"].idxmin()]
    assert parent[f"tags.{sweeps.BEST_RUN_TAG}"] == best.run_id
    assert parent["metrics.best_val_loss"] == pytest.approx(best["metrics.best_val_loss"])
    assert parent["params.best.model.dropout"] == best["params.model.dropout"]
    assert parent["params.best.optimizer.learning_rate"] == "0.01"
    assert parent["end_time"] >= jobs["end_time"].max()


@pytest.mark.slow
def test_a_sweep_stopped_by_a_bad_sweeper_option_leaves_no_run_running(tmp_path):
    arguments = ["-m", *TINY_MOONS, "hparams_search=optuna", "hydra.sweeper.n_trials=0"]
    result = run_cli("train", [*arguments, *store_overrides(new_store(tmp_path))])
    assert result.returncode != 0
    assert "Received an invalid value for `hydra.sweeper.n_trials`" in result.stderr
    runs = runs_in(tmp_path)
    assert not (runs["status"] == "RUNNING").any()


def test_a_job_is_named_after_its_swept_values_with_short_keys():
    job = sweeps.SweepJob(
        "parent", 3, {"model.dropout": "0.3", "optimizer.learning_rate": "0.0001234"}
    )
    assert job.run_name("cnn-mnist") == "cnn-mnist dropout=0.3 lr=0.0001234"
