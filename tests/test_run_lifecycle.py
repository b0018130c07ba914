"""A tracked run always ends: FINISHED, FAILED with its reason, or KILLED."""

import mlflow
import pytest

from kerasmap.recording.lifecycle import FAILURE_TAG, tracked_run
from kerasmap.recording.store import open_experiment

from pipeline_helpers import new_store


@pytest.fixture
def experiment_id(tmp_path):
    return open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "lifecycle", str(tmp_path / "mlruns")
    )


def only_run(experiment_id):
    runs = mlflow.search_runs([experiment_id])
    assert len(runs) == 1
    return runs.iloc[0]


def test_a_run_that_completes_is_finished(experiment_id):
    with tracked_run(experiment_id, run_name="ok") as run:
        mlflow.log_metric("x", 1.0)
    assert mlflow.get_run(run.info.run_id).info.status == "FINISHED"


def test_an_exception_marks_the_run_failed_with_its_reason(experiment_id):
    with pytest.raises(RuntimeError), tracked_run(experiment_id):
        raise RuntimeError("disk full")
    run = only_run(experiment_id)
    assert run["status"] == "FAILED"
    assert run[f"tags.{FAILURE_TAG}"] == "RuntimeError: disk full"


def test_ctrl_c_marks_the_run_killed(experiment_id):
    with pytest.raises(KeyboardInterrupt), tracked_run(experiment_id):
        raise KeyboardInterrupt
    assert only_run(experiment_id)["status"] == "KILLED"


def test_no_run_is_left_active_after_a_failure(experiment_id):
    with pytest.raises(ValueError), tracked_run(experiment_id):
        raise ValueError("bad")
    assert mlflow.active_run() is None


def test_experiment_artifacts_go_under_the_configured_root(tmp_path, experiment_id):
    location = mlflow.get_experiment(experiment_id).artifact_location
    assert location == (tmp_path / "mlruns").resolve().as_uri()
