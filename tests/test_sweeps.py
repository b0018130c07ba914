"""`-m` sweeps: one MLflow parent run per sweep, one nested run per job, failures recorded."""

import itertools

import pytest

from kerasmap import sweeps
from kerasmap.recording.lifecycle import FAILURE_TAG

from pipeline_helpers import TINY_MOONS, run_cli, runs_in, store_overrides


def test_a_grid_is_one_parent_with_a_finished_child_per_combination(sweep_store):
    parent, jobs = sweep_store.grid.parent, sweep_store.grid.jobs
    assert len(jobs) == 4
    assert (jobs["status"] == "FINISHED").all()
    assert jobs["metrics.test_accuracy"].notna().all()  # every job landed complete
    combinations = set(
        zip(jobs["params.model.dropout"], jobs["params.optimizer.weight_decay"], strict=True)
    )
    assert combinations == set(itertools.product(["0.0", "0.3"], ["0.0", "0.0001"]))
    assert (jobs["tags.mlflow.parentRunId"] == parent.run_id).all()
    assert parent[f"tags.{sweeps.SWEEP_ID_TAG}"] == parent.run_id


def test_each_job_is_named_after_its_swept_values(sweep_store):
    names = set(sweep_store.grid.jobs["tags.mlflow.runName"])
    # As the sweep wrote them: `optimizer.weight_decay=0,1e-4`, which Hydra reads as 0, 0.0001.
    assert names == {
        f"mlp-moons dropout={dropout} wd={decay}"
        for dropout, decay in itertools.product(["0.0", "0.3"], ["0", "0.0001"])
    }


def test_the_parent_records_the_sweep_and_its_best_job(sweep_store):
    parent, jobs = sweep_store.grid.parent, sweep_store.grid.jobs
    assert parent["status"] == "FINISHED"
    assert parent[f"params.{sweeps.SWEPT_KEYS_PARAM}"] == "model.dropout,optimizer.weight_decay"
    assert "model.dropout=0.0,0.3" in parent[f"params.{sweeps.OVERRIDES_PARAM}"]
    assert parent[f"params.{sweeps.METRIC_PARAM}"] == "best_val_loss"
    assert parent[f"metrics.{sweeps.JOBS_FINISHED_METRIC}"] == 4
    assert parent[f"metrics.{sweeps.JOBS_FAILED_METRIC}"] == 0
    best = jobs.loc[jobs["metrics.best_val_loss"].idxmin()]
    assert parent[f"tags.{sweeps.BEST_RUN_TAG}"] == best.run_id
    assert parent["metrics.best_val_loss"] == pytest.approx(best["metrics.best_val_loss"])
    assert parent["params.best.model.dropout"] == best["params.model.dropout"]
    assert parent["params.best.optimizer.weight_decay"] == best["params.optimizer.weight_decay"]
    assert parent["end_time"] >= jobs["end_time"].max()


def test_failing_jobs_are_recorded_with_their_reason_and_the_sweep_goes_on(sweep_store):
    parent, jobs = sweep_store.failing.parent, sweep_store.failing.jobs
    assert len(jobs) == 4
    finished = jobs[jobs["status"] == "FINISHED"]
    assert list(finished["params.optimizer.learning_rate"]) == ["0.01"]
    diverged = jobs[jobs[f"tags.{FAILURE_TAG}"].str.contains("Training diverged", na=False)]
    assert list(diverged["params.optimizer.learning_rate"]) == ["1e+30"]
    assert (diverged["status"] == "FAILED").all()
    bad_value = jobs[jobs[f"tags.{FAILURE_TAG}"].str.contains("`model.dropout`", na=False)]
    assert len(bad_value) == 2 and (bad_value["status"] == "FAILED").all()
    assert (bad_value["tags.mlflow.parentRunId"] == parent.run_id).all()
    assert set(bad_value["tags.mlflow.runName"]) == {
        "mlp-moons lr=0.01 dropout=1.5",
        "mlp-moons lr=1e+30 dropout=1.5",
    }
    assert parent[f"metrics.{sweeps.JOBS_FINISHED_METRIC}"] == 1
    assert parent[f"metrics.{sweeps.JOBS_FAILED_METRIC}"] == 3
    assert parent[f"tags.{sweeps.BEST_RUN_TAG}"] == finished.iloc[0].run_id


@pytest.mark.slow
def test_a_sweep_stopped_by_a_bad_sweeper_option_leaves_no_run_running(tmp_path):
    arguments = ["-m", *TINY_MOONS, "hparams_search=optuna", "hydra.sweeper.n_trials=0"]
    result = run_cli("train", [*arguments, *store_overrides(tmp_path)])
    assert result.returncode != 0
    assert "Received an invalid value for `hydra.sweeper.n_trials`" in result.stderr
    runs = runs_in(tmp_path)
    assert not (runs["status"] == "RUNNING").any()


def test_a_job_is_named_after_its_swept_values_with_short_keys():
    job = sweeps.SweepJob(
        "parent", 3, {"model.dropout": "0.3", "optimizer.learning_rate": "0.0001234"}
    )
    assert job.run_name("cnn-mnist") == "cnn-mnist dropout=0.3 lr=0.0001234"
