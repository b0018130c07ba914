"""What happens after the last epoch: the run's records are all there, written without delay."""

import os
import subprocess
import sys
import threading
from types import SimpleNamespace

import keras
import mlflow
import numpy as np
import pytest

from kerasmap.recording import logged_model
from kerasmap.recording.lifecycle import FAILURE_TAG, tracked_run
from kerasmap.recording.logged_model import model_saved_meanwhile
from kerasmap.recording.store import open_experiment

from pipeline_helpers import REPO_ROOT, new_store

# A command whose work is done: a global's finaliser would run only if the interpreter were
# torn down; an `atexit` function must run either way.
FINISHED_COMMAND = """
import atexit, os, sys
from kerasmap import cli

class TornDown:
    def __del__(self, write=os.write):
        write(1, b"torn down\\n")

kept = TornDown()
atexit.register(print, "atexit ran")
sys.argv = ["train.py"]
cli.start(lambda *config: print("main ran"), "config")
"""


def test_a_finished_command_runs_its_atexit_functions_and_skips_the_teardown():
    result = subprocess.run(
        [sys.executable, "-c", FINISHED_COMMAND], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["main ran", "atexit ran"]


def tiny_model_and_bundle(*, runs_code: bool = False):
    """A two-feature regression model (holding a `Lambda` layer if `runs_code`) and its data."""
    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs) if runs_code else inputs
    model = keras.Model(inputs, keras.layers.Dense(1)(outputs))
    bundle = SimpleNamespace(
        input_kind="features",
        task="regression",
        class_names=(),
        description={},
        input_example=np.zeros((2, 2), "float32"),
    )
    return model, bundle


def test_the_model_is_saved_in_a_worker_and_logged_after_the_metrics_logged_meanwhile(
    tmp_path, monkeypatch
):
    saved_in = []

    def save_and_check(*arguments):
        saved_in.append(threading.current_thread().name)
        return original(*arguments)

    original = logged_model._save_and_check
    monkeypatch.setattr(logged_model, "_save_and_check", save_and_check)
    experiment = open_experiment(f"sqlite:///{new_store(tmp_path)}/mlflow.db", "ending", "")
    model, bundle = tiny_model_and_bundle()
    with tracked_run(experiment) as run, model_saved_meanwhile(model, bundle) as log:
        mlflow.log_metric("test_mse", 0.5)  # as the test split's evaluation does meanwhile
        model_id = log()
    assert saved_in[0].startswith("kerasmap-model")
    assert mlflow.get_run(run.info.run_id).info.status == "FINISHED"
    logged = mlflow.get_logged_model(model_id)
    assert logged.source_run_id == run.info.run_id
    assert {metric.key: metric.value for metric in logged.metrics} == {"test_mse": 0.5}
    assert "input_example.json" in os.listdir(
        mlflow.artifacts.download_artifacts(
            f"models:/{model_id}", dst_path=str(tmp_path / "download")
        )
    )


def test_a_model_that_fails_its_check_in_the_worker_fails_the_run_with_that_error(tmp_path):
    experiment = open_experiment(f"sqlite:///{new_store(tmp_path)}/mlflow.db", "ending", "")
    model, bundle = tiny_model_and_bundle(runs_code=True)
    with pytest.raises(ValueError, match="safe_mode"):
        with tracked_run(experiment) as run, model_saved_meanwhile(model, bundle) as log:
            log()
    failed = mlflow.get_run(run.info.run_id)
    assert failed.info.status == "FAILED"
    assert failed.data.tags[FAILURE_TAG].startswith("ValueError: ")
    assert "safe_mode" in failed.data.tags[FAILURE_TAG]


def test_a_run_stopped_while_the_model_is_saved_ends_killed_with_no_thread_left(tmp_path):
    experiment = open_experiment(f"sqlite:///{new_store(tmp_path)}/mlflow.db", "ending", "")
    model, bundle = tiny_model_and_bundle()
    with pytest.raises(KeyboardInterrupt):
        with tracked_run(experiment) as run, model_saved_meanwhile(model, bundle):
            raise KeyboardInterrupt  # Ctrl-C while the test split is evaluated
    assert mlflow.get_run(run.info.run_id).info.status == "KILLED"
    assert not [t for t in threading.enumerate() if t.name.startswith("kerasmap-model")]
