"""`make sync`: a local store's runs, artifacts and models copied to a team's MLflow server.

The source is the session's real `-m` sweep (a parent, jobs that finished with a logged model,
jobs that failed); the target a real `mlflow server` on a free loopback port. The copy must
read like the original: the same params, metric histories, tags and files, a model that loads
and predicts the same, and every link between runs pointing at the copies.
"""

import contextlib
import io
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import mlflow
import pytest
from mlflow import MlflowClient

from kerasmap.sweeps import BEST_RUN_TAG, ROLE_JOB, ROLE_TAG, SWEEP_ID_TAG
from kerasmap.syncing import run_copy
from kerasmap.syncing.run_copy import SOURCE_RUN_TAG, SOURCE_STORE_TAG
from kerasmap.syncing.sync import PARENT_TAG, main

from pipeline_helpers import new_store
from servers import QUIET_MLFLOW, free_port, stop_process_group, wait_until_healthy


@pytest.fixture(scope="module")
def team_server(tmp_path_factory, empty_store_template):
    """`mlflow server` on a free loopback port over a new SQLite store, artifacts proxied."""
    folder = new_store(tmp_path_factory.mktemp("team_server"))
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "server",
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        *("--backend-store-uri", f"sqlite:///{folder}/mlflow.db"),
        *("--artifacts-destination", str(folder / "artifacts")),
    ]
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **QUIET_MLFLOW},
        start_new_session=True,  # the server starts uvicorn as a child, and both must stop
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process_group(server)


@pytest.fixture(scope="module")
def synced(sweep_store, team_server) -> SimpleNamespace:
    """The sweep store synced once to the team server: what it printed, and each run's copy."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main([f"{sweep_store.folder}/mlflow.db", team_server]) == 0
    source = MlflowClient(sweep_store.uri)
    return SimpleNamespace(
        printed=printed.getvalue(),
        source=source,
        runs=source.search_runs([sweep_store.parent.experiment_id]),
        target=MlflowClient(team_server),
        copies=copies_on(team_server),
        uri=team_server,
    )


def copies_on(uri: str) -> dict:
    """Source run id -> its copy, for every run of the store at `uri`."""
    client = MlflowClient(uri)
    experiments = [experiment.experiment_id for experiment in client.search_experiments()]
    return {run.data.tags[SOURCE_RUN_TAG]: run for run in client.search_runs(experiments)}


def histories(client: MlflowClient, run) -> dict:
    """Every point of every metric of `run`; NaN (a diverged job's) as text, to equal itself."""
    return {
        key: sorted(
            (point.step, point.timestamp, "nan" if math.isnan(point.value) else point.value)
            for point in client.get_metric_history(run.info.run_id, key)
        )
        for key in run.data.metrics
    }


def files_of(client: MlflowClient, run_id: str, folder: Path) -> dict:
    """Each artifact file of a run: its path and its bytes."""
    folder.mkdir()
    client.download_artifacts(run_id, "", str(folder))
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*.*")}


@pytest.mark.slow
def test_every_run_is_copied_with_its_params_metrics_tags_and_files(synced, tmp_path):
    assert synced.printed.splitlines()[-1] == (
        f"Copied {len(synced.runs)} runs (2 models) to {synced.uri}; "
        "skipped 0 (0 already copied, 0 still running)."
    )
    new_ids = {source_id: copy.info.run_id for source_id, copy in synced.copies.items()}
    store = Path(synced.source.tracking_uri.removeprefix("sqlite:///")).resolve()
    every_file = set()
    for run in synced.runs:
        copy = synced.copies[run.info.run_id]
        for attribute in ("run_name", "status", "start_time", "end_time"):
            assert getattr(copy.info, attribute) == getattr(run.info, attribute)
        assert copy.data.params == run.data.params
        assert histories(synced.target, copy) == histories(synced.source, run)
        tags = dict(copy.data.tags)
        assert tags.pop(SOURCE_RUN_TAG) == run.info.run_id
        assert tags.pop(SOURCE_STORE_TAG).endswith(f":{store}")
        assert tags == {key: new_ids.get(value, value) for key, value in run.data.tags.items()}
        files = files_of(synced.source, run.info.run_id, tmp_path / run.info.run_id)
        assert files_of(synced.target, copy.info.run_id, tmp_path / copy.info.run_id) == files
        every_file |= files.keys()
    assert {
        "config/config.yaml",
        "plots/learning_curves.png",
        "reports/per_class.csv",
    } <= every_file


@pytest.mark.slow
def test_the_sweep_is_nested_in_the_copied_parent_with_its_best_job(sweep_store, synced):
    parent = synced.copies[sweep_store.parent.run_id]
    assert parent.data.tags[SWEEP_ID_TAG] == parent.info.run_id
    best = synced.copies[sweep_store.parent[f"tags.{BEST_RUN_TAG}"]]
    assert parent.data.tags[BEST_RUN_TAG] == best.info.run_id
    jobs = [synced.copies[run_id] for run_id in sweep_store.jobs.run_id]
    assert {job.data.tags[ROLE_TAG] for job in jobs} == {ROLE_JOB}
    for job in jobs:
        assert job.data.tags[PARENT_TAG] == job.data.tags[SWEEP_ID_TAG] == parent.info.run_id


@pytest.mark.slow
def test_the_copied_model_loads_from_the_server_and_predicts_the_same(sweep_store, synced):
    best_id = sweep_store.parent[f"tags.{BEST_RUN_TAG}"]
    copy = synced.copies[best_id]
    (model,) = synced.target.search_logged_models(
        [copy.info.experiment_id], f"source_run_id = '{copy.info.run_id}'"
    )
    assert [output.model_id for output in copy.outputs.model_outputs] == [model.model_id]
    mlflow.set_tracking_uri(sweep_store.uri)
    original = mlflow.pyfunc.load_model(f"runs:/{best_id}/model")
    mlflow.set_tracking_uri(synced.uri)
    copied = mlflow.pyfunc.load_model(f"runs:/{copy.info.run_id}/model")
    assert copied.metadata.model_id == model.model_id
    example = original.input_example
    assert copied.predict(example).equals(original.predict(example))


@pytest.mark.slow
def test_a_second_sync_copies_nothing_and_says_so(sweep_store, synced, capsys):
    assert main([sweep_store.uri, synced.uri]) == 0
    assert capsys.readouterr().out == (
        f"Copied 0 runs (0 models) to {synced.uri}; "
        f"skipped {len(synced.runs)} ({len(synced.runs)} already copied, 0 still running).\n"
    )
    assert copies_on(synced.uri).keys() == synced.copies.keys()


def test_a_run_still_running_waits_with_the_runs_nested_in_it(tmp_path, capsys):
    source = MlflowClient(f"sqlite:///{new_store(tmp_path / 'node')}/mlflow.db")
    experiment = source.create_experiment("moons", artifact_location=(tmp_path / "a").as_uri())
    running = source.create_run(experiment, run_name="sweep").info.run_id
    job = source.create_run(experiment, run_name="job", tags={PARENT_TAG: running})
    source.set_terminated(job.info.run_id)
    ended = source.create_run(experiment, run_name="done").info.run_id
    source.set_terminated(ended)
    target = f"sqlite:///{new_store(tmp_path / 'team')}/mlflow.db"
    assert main([source.tracking_uri, target]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert f"Skipped run {running} (sweep): still RUNNING; sync again once it has ended" in printed
    assert any(
        line.endswith(f"(job): the run it is nested in, {running}, is still running")
        for line in printed
    )
    assert printed[-1].startswith("Copied 1 run (0 models)")
    assert printed[-1].endswith("skipped 2 (0 already copied, 2 still running).")
    assert list(copies_on(target)) == [ended]


def fail_to_copy(*arguments) -> None:
    raise OSError("No space left on the target's disk (disk full).")


def test_a_copy_that_fails_half_way_is_deleted_and_copied_by_the_next_sync(tmp_path, monkeypatch):
    source = MlflowClient(f"sqlite:///{new_store(tmp_path / 'node')}/mlflow.db")
    experiment = source.create_experiment("moons", artifact_location=(tmp_path / "a").as_uri())
    run_id = source.create_run(experiment).info.run_id
    source.log_param(run_id, "seed", "1")
    source.set_terminated(run_id)
    target = f"sqlite:///{new_store(tmp_path / 'team')}/mlflow.db"
    with monkeypatch.context() as patched:
        patched.setattr(run_copy, "_copy_artifacts", fail_to_copy)
        with pytest.raises(OSError, match="disk full"):
            main([source.tracking_uri, target])
    assert copies_on(target) == {}
    assert main([source.tracking_uri, target]) == 0
    assert copies_on(target)[run_id].data.params == {"seed": "1"}


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("missing.db", "sqlite:///team.db", r"`SOURCE`, expected an existing `mlflow.db` file"),
        ("notes.txt", "sqlite:///team.db", r"`SOURCE`, expected an MLflow store"),
        ("node/mlflow.db", "team.db", r"`TARGET`, expected a tracking URI"),
        ("node/mlflow.db", "sqlite:///node/mlflow.db", r"`TARGET`, expected a store other than"),
        ("node/mlflow.db", "http://127.0.0.1:{port}", r"`TARGET`=http://127.* did not answer"),
        ("node/mlflow.db", "postgresql://me:pw@127.0.0.1:{port}/x", r"`TARGET`=.*me:\*\*\*@"),
    ],
)
def test_a_mistake_is_one_sentence_and_exit_status_2(
    tmp_path, monkeypatch, capsys, source, target, message
):
    monkeypatch.chdir(tmp_path)
    new_store(tmp_path / "node")
    Path("notes.txt").write_text("not a database")
    with pytest.raises(SystemExit) as stopped:
        main([source, target.format(port=free_port())])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and len(error.strip().splitlines()) == 1
    assert re.search(message, error)
    assert not Path("team.db").exists()


def test_make_sync_passes_source_and_target_to_the_command():
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "sync", "SOURCE=node.db", "TARGET=http://team:5000"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pipelines/sync.py 'node.db' 'http://team:5000'" in printed
