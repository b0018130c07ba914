"""The team tracking server: MLflow on a real PostgreSQL, logins on, runs recorded through it.

One server serves the whole file: PostgreSQL from the `pgserver` wheel in a temporary folder,
`mlflow server --app-name basic-auth` on it with proxied artifacts, both on free loopback
ports. The last test kills the server in the middle of a sweep.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import mlflow
import optuna
import pytest

from hydra_plugins.kerasmap_optuna_sweeper.studies import counted_trials, open_study
from kerasmap.recording.reachability import TrackingUnavailableError, usable_tracking_uri
from kerasmap.server.postgres import create_database, running_postgres
from kerasmap.server.tracking_server import start_tracking_server, stop_tracking_server
from kerasmap.sweeps import ROLE_JOB, ROLE_PARENT, ROLE_TAG

from pipeline_helpers import REPO_ROOT, TINY_MOONS, hydra_dirs, run_cli
from servers import QUIET_MLFLOW, free_port, loopback, wait_until_healthy

pytestmark = pytest.mark.slow

PASSWORD = "team-Server-pa55word"
LOGINS = {
    "MLFLOW_AUTH_ADMIN_USERNAME": "admin",  # the server creates this admin on its first start
    "MLFLOW_AUTH_ADMIN_PASSWORD": PASSWORD,
    "MLFLOW_TRACKING_USERNAME": "admin",  # what every client here logs in with
    "MLFLOW_TRACKING_PASSWORD": PASSWORD,
}
# MLflow's client retries a server that does not answer for minutes; here, for a second.
FAIL_FAST = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}
FINAL_METRICS = ("test_", "best_", "epochs_run")  # prefixes of the metrics logged once
MODEL_NAME = "team_model"


@pytest.fixture(scope="module")
def team_server():
    """PostgreSQL and the MLflow server with logins on, and clients logged in, for the module."""
    # Under /tmp, not pytest's folders: those are closed to the account PostgreSQL runs as
    # when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="kerasmap-team-server-"))
    folder.chmod(0o755)
    env = {**LOGINS, **FAIL_FAST, **QUIET_MLFLOW, "MLFLOW_WORKERS": "2"}
    with pytest.MonkeyPatch.context() as patch, running_postgres(folder / "postgres") as database:
        for name, value in env.items():
            patch.setenv(name, value)
        port = free_port()
        server = start_tracking_server(
            database.url, str(folder / "artifacts"), folder, port, auth=True, log=folder / "log"
        )
        uri = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(uri, server)
            yield SimpleNamespace(uri=uri, database=database, folder=folder, process=server)
        finally:
            stop_tracking_server(server)
    shutil.rmtree(folder, ignore_errors=True)


def overrides(team_server, experiment: str) -> list[str]:
    return [
        f"tracking.uri={team_server.uri}",
        f"tracking.experiment={experiment}",
        f"trainer.backup_dir={team_server.folder}/backups",
    ]


@pytest.fixture(scope="module")
def recorded(team_server):
    """A parallel sweep of two jobs and a registered single run, recorded at the same time."""
    sweep = [
        "-m",
        "hydra/launcher=parallel",
        "model.dropout=0.1,0.3",  # not the single run's: the same config would share its backup
        "tracking.log_model=false",
        *TINY_MOONS,
        *overrides(team_server, "team"),
        *hydra_dirs(team_server.folder),
    ]
    single = [*TINY_MOONS, *overrides(team_server, "team"), f"tracking.register={MODEL_NAME}"]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda arguments: run_cli("train", arguments), [sweep, single]))
    for result in results:
        assert result.returncode == 0, result.stderr
    mlflow.set_tracking_uri(team_server.uri)
    runs = mlflow.search_runs(experiment_names=["team"])
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(runs=runs, output="".join(r.stdout + r.stderr for r in results))


def test_make_server_passes_its_variables_and_keeps_the_database_password_off_the_screen():
    database = "DB=postgresql://team:hunter2@db.example.org/mlflow"
    variables = ["PORT=5050", "HOST=0.0.0.0", "AUTH=1", "ARTIFACTS=s3://bucket/mlflow", database]
    make = ["make", "--no-print-directory", "-n", "server", *variables]
    result = subprocess.run(make, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    command = next(line for line in result.stdout.splitlines() if "pipelines/" in line)
    assert command.endswith(
        "pipelines/server.py --port 5050 --host 0.0.0.0 --artifacts 's3://bucket/mlflow' --auth"
    )
    assert "hunter2" not in result.stdout


def test_a_parallel_sweep_and_a_single_run_record_every_epoch_once(team_server, recorded):
    runs = recorded.runs
    assert set(runs["status"]) == {"FINISHED"}
    (parent_id,) = runs.loc[runs[f"tags.{ROLE_TAG}"] == ROLE_PARENT, "run_id"]
    children = runs[runs[f"tags.{ROLE_TAG}"] == ROLE_JOB]
    assert list(children["tags.mlflow.parentRunId"]) == [parent_id, parent_id]
    assert len(runs) == 4  # the parent, its two jobs and the single run
    client = mlflow.MlflowClient(team_server.uri)
    for run_id in runs.loc[runs["run_id"] != parent_id, "run_id"]:
        run = client.get_run(run_id)
        epochs = list(range(int(run.data.metrics["epochs_run"])))
        for key in run.data.metrics:
            steps = [point.step for point in client.get_metric_history(run_id, key)]
            assert steps == ([0] if key.startswith(FINAL_METRICS) else epochs), (run_id, key)


def test_the_model_and_artifacts_download_through_the_server(team_server, recorded, tmp_path):
    mlflow.set_tracking_uri(team_server.uri)
    version = mlflow.MlflowClient().get_model_version(MODEL_NAME, "1")
    run_id = version.run_id
    experiment = mlflow.get_experiment(mlflow.get_run(run_id).info.experiment_id)
    assert experiment.artifact_location.startswith("mlflow-artifacts:")  # proxied
    overrides_file = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="config/overrides.txt", dst_path=str(tmp_path / "run")
    )
    assert f"tracking.register={MODEL_NAME}" in Path(overrides_file).read_text()
    model = mlflow.artifacts.download_artifacts(f"models:/{MODEL_NAME}/1", dst_path=str(tmp_path))
    assert (Path(model) / "MLmodel").exists()
    assert any((team_server.folder / "artifacts").rglob("MLmodel"))  # kept by the server


def test_logins_are_required_and_never_recorded(team_server, recorded, monkeypatch):
    search = f"{team_server.uri}/api/2.0/mlflow/experiments/search?max_results=1"
    with pytest.raises(urllib.error.HTTPError) as refused:
        loopback.open(search, timeout=10)
    assert refused.value.code == 401
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD")
    with pytest.raises(TrackingUnavailableError, match="refused the login.*MLFLOW_TRACKING_"):
        usable_tracking_uri(team_server.uri, required=True)
    assert PASSWORD not in recorded.runs.filter(regex="^(params|tags)\\.").to_csv()
    assert PASSWORD not in recorded.output


def test_two_workers_share_an_optuna_study_in_the_team_postgresql(team_server):
    storage = create_database(team_server.database, "optuna")
    options = {"direction": "minimize", "sampler": "random", "seed": None, "storage": storage}
    workers = [open_study(**options, study_name="team-search") for _ in range(2)]
    for worker, dropout in zip(workers, (0.1, 0.3), strict=True):
        trial = worker.ask({"model.dropout": optuna.distributions.FloatDistribution(0, 0.5)})
        worker.tell(trial, dropout)
    shared = optuna.load_study(study_name="team-search", storage=storage)
    assert [trial.value for trial in shared.trials] == [0.1, 0.3]
    assert counted_trials(workers[0]) == 2


def test_processes_opening_a_new_database_together_all_find_it_created(team_server):
    url = create_database(team_server.database, "fresh_store")
    opening = (
        "import sys; from kerasmap.recording.store import create_store; create_store(sys.argv[1])"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", opening, url], stderr=subprocess.PIPE, text=True)
        for _ in range(2)  # without the lock, one of two fails every time
    ]
    errors = [process.communicate(timeout=300)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    experiments = mlflow.MlflowClient(url, registry_uri=url).search_experiments()
    assert [experiment.name for experiment in experiments] == ["Default"]


def test_a_server_that_dies_mid_sweep_ends_it_with_one_sentence(team_server):
    arguments = [
        "-m",
        "model.dropout=0.1,0.2",  # a sweep: it stops too, at its first job
        *hydra_dirs(team_server.folder / "faults"),
        *TINY_MOONS,
        *overrides(team_server, "team-faults"),
        *("trainer.epochs=2000", "trainer.patience=2000", "tracking.log_model=false"),
    ]
    training = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "pipelines" / "train.py"), *arguments],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    run_id = wait_for_epochs(team_server.uri, "team-faults", epochs=2)
    os.killpg(team_server.process.pid, signal.SIGKILL)
    _, errors = training.communicate(timeout=120)
    assert training.returncode == 2, errors
    assert "Traceback" not in errors
    last_line = errors.strip().splitlines()[-1]
    assert last_line.startswith("Error: The MLflow tracking server at")
    assert f"stopped answering while run {run_id} was recorded" in last_line
    # Read straight from PostgreSQL: the server is gone, and neither the job's run nor the
    # sweep's parent was marked FINISHED.
    database = mlflow.MlflowClient(team_server.database.url)
    experiment = database.get_experiment_by_name("team-faults")
    runs = {
        run.info.run_id: run.info.status for run in database.search_runs([experiment.experiment_id])
    }
    assert runs[run_id] == "RUNNING" and len(runs) == 2  # the job, and the parent
    assert "FINISHED" not in runs.values()


def wait_for_epochs(uri: str, experiment: str, epochs: int, timeout: float = 120) -> str:
    """The id of the run in `experiment` once it has recorded `epochs` epochs."""
    client = mlflow.MlflowClient(uri)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.get_experiment_by_name(experiment)
        runs = client.search_runs([found.experiment_id]) if found else []
        if runs and len(client.get_metric_history(runs[0].info.run_id, "loss")) >= epochs:
            return runs[0].info.run_id
        time.sleep(0.3)
    raise AssertionError(f"No run in {experiment} recorded {epochs} epochs in {timeout:.0f} s.")
