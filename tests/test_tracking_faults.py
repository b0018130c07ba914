"""Tracking under faults: a server that does not answer, and credentials in the config."""

import socket

import mlflow

from kerasmap.tracking.lifecycle import tracked_run
from kerasmap.tracking.run_record import log_config
from kerasmap.tracking.store import open_experiment

from pipeline_helpers import artifact_paths, run_cli

TINY = ["data=moons", "data.num_samples=200", "trainer.epochs=1"]


def closed_port_uri() -> str:
    """An http URI on loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_an_unreachable_server_fails_at_start_before_any_compute(tmp_path):
    result = run_cli(
        "train",
        [*TINY, f"tracking.uri={closed_port_uri()}", f"hydra.run.dir={tmp_path}/outputs"],
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "did not answer" in result.stderr
    assert "tracking.required=false" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Epoch 1/" not in result.stdout
    assert not (tmp_path / "mlflow.db").exists()


def test_with_tracking_not_required_the_run_is_recorded_locally(tmp_path):
    result = run_cli(
        "train",
        [
            *TINY,
            f"tracking.uri={closed_port_uri()}",
            "tracking.required=false",
            f"hydra.run.dir={tmp_path}/outputs",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "this run is recorded in sqlite:///mlflow.db" in result.stdout + result.stderr
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    runs = mlflow.search_runs(experiment_names=["kerasmap"])
    assert list(runs["status"]) == ["FINISHED"]


def test_credentials_never_reach_params_config_or_overrides(tmp_path):
    experiment = open_experiment(f"sqlite:///{tmp_path}/mlflow.db", "secrets", str(tmp_path))
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
    mlflow.set_tracking_uri(None)
