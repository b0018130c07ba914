"""Tracking under faults: a server that does not answer, and credentials in the config."""

import mlflow
import pytest

from kerasmap.config.compose import compose_config
from kerasmap.recording.lifecycle import tracked_run
from kerasmap.recording.reachability import TrackingUnavailableError
from kerasmap.recording.run_record import log_config
from kerasmap.recording.store import open_experiment
from kerasmap.run import train
from kerasmap.sweeps import OPEN_SWEEPS, SweepParentRun

from pipeline_helpers import TINY_MOONS, artifact_paths, new_store
from servers import free_port


def closed_port_uri() -> str:
    """An http URI on loopback where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


def test_an_unreachable_server_fails_at_start_before_any_compute(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    overrides = [*TINY_MOONS, f"tracking.uri={closed_port_uri()}"]
    with pytest.raises(TrackingUnavailableError, match="did not answer.*tracking.required=false"):
        train(compose_config(overrides))
    assert "Epoch 1/" not in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_whose_server_does_not_answer_opens_no_parent_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = compose_config([*TINY_MOONS, f"tracking.uri={closed_port_uri()}"])
    sweep = SweepParentRun()
    sweep.on_multirun_start(config)  # Hydra would turn an error here into a warning
    assert sweep.parent_id is None and OPEN_SWEEPS == []  # its first job says why, and stops
    assert list(tmp_path.iterdir()) == []


def test_with_tracking_not_required_the_run_is_recorded_locally(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(new_store(tmp_path))  # the local store: sqlite:///mlflow.db where it runs
    overrides = [*TINY_MOONS, "tracking.log_model=false", "tracking.required=false"]
    train(compose_config([*overrides, f"tracking.uri={closed_port_uri()}"]))
    assert "this run is recorded in sqlite:///mlflow.db" in caplog.text
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    runs = mlflow.search_runs(experiment_names=["kerasmap"])
    assert list(runs["status"]) == ["FINISHED"]


def test_credentials_never_reach_params_config_or_overrides(tmp_path):
    experiment = open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "secrets", str(tmp_path)
    )
    config = {"tracking": {"uri": "https://bob:hunter2@mlflow.example.org", "token": "s3cr3t"}}
    overrides = ["tracking.uri=https://bob:hunter2@mlflow.example.org", "seed=1"]
    with tracked_run(experiment) as run:
        log_config(config, overrides)
    recorded = mlflow.get_run(run.info.run_id).data.params
    assert recorded["tracking.uri"] == "https://bob:***@mlflow.example.org"
    assert recorded["tracking.token"] == "***"
    for path in artifact_paths(run.info.run_id):
        text = mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/{path}")
        assert "hunter2" not in text and "s3cr3t" not in text
