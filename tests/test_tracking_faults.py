"""Tracking under faults: a server that does not answer, a store that cannot be opened, and
credentials in the config.
"""

import contextlib
import sqlite3
from pathlib import Path

import mlflow
import pytest

from kerasmap import cli
from kerasmap.config.compose import compose_config
from kerasmap.recording.lifecycle import tracked_run
from kerasmap.recording.reachability import TrackingUnavailableError
from kerasmap.recording.run_record import log_config
from kerasmap.recording.store import open_experiment
from kerasmap.run import run_job, train
from kerasmap.sweeps import OPEN_SWEEPS, SweepParentRun

from pipeline_helpers import TINY_MOONS, artifact_paths, new_store
from servers import free_port

FIRST_SCHEMA = "451aebb31d03"  # the revision of MLflow's first tracking schema


def closed_port_uri() -> str:
    """An http URI on loopback where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


def text_file(folder: Path) -> Path:
    """A file where the database should be that is not one: a wrong path, a mangled copy."""
    path = folder / "notes.db"
    path.write_text("Meeting notes, saved under the name of the store by mistake.\n" * 20)
    return path


def inside_a_file(folder: Path) -> Path:
    """A database path whose folder is a file."""
    (folder / "runs").write_text("a file, not a folder\n")
    return folder / "runs" / "mlflow.db"


def a_folder(folder: Path) -> Path:
    """A database path that is a folder (MLflow alone retries it for a minute and a half)."""
    (folder / "mlflow.db").mkdir()
    return folder / "mlflow.db"


def an_older_schema(folder: Path) -> Path:
    """A store at the schema of an older MLflow, as its version table says."""
    database = new_store(folder) / "mlflow.db"
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(f"UPDATE alembic_version SET version_num = '{FIRST_SCHEMA}'")
    return database


UNUSABLE_STORES = [
    pytest.param(text_file, "(file is not a database)", id="not-a-database"),
    pytest.param(inside_a_file, "runs is a file, not a folder)", id="folder-is-a-file"),
    pytest.param(a_folder, "(unable to open database file)", id="a-folder"),
    pytest.param(
        an_older_schema,
        f"(Detected out-of-date database schema (found version {FIRST_SCHEMA}, but expected ",
        id="older-schema",
    ),
]


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


@pytest.mark.parametrize("unusable, reason", UNUSABLE_STORES)
def test_a_store_that_cannot_be_opened_is_one_sentence_and_exit_2(
    tmp_path, capsys, unusable, reason
):
    database = unusable(tmp_path)
    overrides = [
        *TINY_MOONS,
        f"tracking.uri=sqlite:///{database}",
        f"trainer.backup_dir={tmp_path}",
    ]
    with pytest.raises(SystemExit) as stopped, cli.user_errors_exit():
        run_job(compose_config(overrides))

    assert stopped.value.code == 2
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    (sentence,) = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert sentence.startswith(
        f"Error: The MLflow store at `tracking.uri`=sqlite:///{database} could not be opened "
    )
    assert reason in sentence and sentence.endswith("if an older MLflow made it).")


def test_a_sweep_whose_store_cannot_be_opened_opens_no_parent_run(tmp_path):
    config = compose_config([*TINY_MOONS, f"tracking.uri=sqlite:///{text_file(tmp_path)}"])
    sweep = SweepParentRun()
    sweep.on_multirun_start(config)
    assert sweep.parent_id is None and OPEN_SWEEPS == []  # its first job says why, and stops


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
