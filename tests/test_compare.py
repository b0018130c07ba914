"""The run-comparison tool on real training runs recorded as a sweep: library, CLI, server."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from math import inf
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from mlflow.entities import Metric, Param, RunTag

from kerasmap.errors import ConfigError
from kerasmap.tracking.comparison import compare_runs
from kerasmap.tracking.comparison_plot import plot_metric_against_params
from kerasmap.tracking.sweep_tags import (
    BEST_RUN_TAG,
    DIRECTION_PARAM,
    JOBS_FAILED_METRIC,
    JOBS_FINISHED_METRIC,
    METRIC_PARAM,
    OVERRIDES_PARAM,
    ROLE_JOB,
    ROLE_PARENT,
    ROLE_TAG,
    SWEEP_ID_TAG,
    SWEPT_KEYS_PARAM,
)

from pipeline_helpers import (
    CONF,
    artifact_paths,
    compose_config,
    load_pipeline,
    run_cli,
    store_overrides,
)

train_pipeline = load_pipeline("train")
compare_pipeline = load_pipeline("compare")
SMALL_RUN = ["data=moons", "data.num_samples=200", "trainer.epochs=2", "tracking.log_model=false"]
GRID = [("0.0", "0"), ("0.0", "1e-4"), ("0.3", "0"), ("0.3", "1e-4")]
SWEPT_KEYS = ["model.dropout", "optimizer.weight_decay"]
TABLE_COLUMNS = ["run_id", "run_name", "status", *SWEPT_KEYS]
TABLE_COLUMNS += ["best_val_loss", "test_accuracy", "epochs_run", "wall_seconds"]
# Keep MLflow's usage telemetry and the server's background job workers out of the tests.
QUIET_MLFLOW = {"MLFLOW_DISABLE_TELEMETRY": "true", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}


def train_run(folder: Path, *overrides: str, tracking_uri: str | None = None) -> str:
    """Runs the real train pipeline on two moons, storing into `folder`; returns the run id.

    Args:
        folder: Where the store, artifacts and backups go.
        *overrides: Config overrides for this run.
        tracking_uri: A tracking server to log to instead of the SQLite store in `folder`.
    """
    overrides = [*SMALL_RUN, *overrides, *store_overrides(folder)[:-1]]  # the last is Hydra's
    if tracking_uri:
        overrides.append(f"tracking.uri={tracking_uri}")
    train_pipeline.train(compose_config(overrides), overrides=overrides)
    return mlflow.last_active_run().info.run_id


def record_sweep(job_ids: list[str], overrides: list[str], experiment: str = "kerasmap") -> str:
    """Records ended jobs as one sweep, as the sweep callback does, and returns its id."""
    client = mlflow.MlflowClient()
    experiment_id = client.get_experiment_by_name(experiment).experiment_id
    sweep_id = client.create_run(experiment_id, run_name="sweep").info.run_id
    for job_id in job_ids:
        tags = {SWEEP_ID_TAG: sweep_id, ROLE_TAG: ROLE_JOB, "mlflow.parentRunId": sweep_id}
        client.log_batch(job_id, tags=[RunTag(key, value) for key, value in tags.items()])
    params = {
        OVERRIDES_PARAM: " ".join(overrides),
        SWEPT_KEYS_PARAM: ",".join(override.split("=")[0] for override in overrides),
        METRIC_PARAM: "best_val_loss",
        DIRECTION_PARAM: "minimize",
    }
    losses = {job: client.get_run(job).data.metrics.get("best_val_loss", inf) for job in job_ids}
    tags = {
        SWEEP_ID_TAG: sweep_id,
        ROLE_TAG: ROLE_PARENT,
        BEST_RUN_TAG: min(losses, key=losses.get),
    }
    finished = sum(client.get_run(job).info.status == "FINISHED" for job in job_ids)
    metrics = {JOBS_FINISHED_METRIC: finished, JOBS_FAILED_METRIC: len(job_ids) - finished}
    client.log_batch(
        sweep_id,
        metrics=[Metric(key, value, int(time.time() * 1000), 0) for key, value in metrics.items()],
        params=[Param(key, value) for key, value in params.items()],
        tags=[RunTag(key, value) for key, value in tags.items()],
    )
    client.set_terminated(sweep_id, "FINISHED")
    return sweep_id


def failed_run(experiment: str = "kerasmap") -> str:
    """A run that failed before training, with no params or metrics, as a bad sweep job has."""
    client = mlflow.MlflowClient()
    experiment_id = client.get_experiment_by_name(experiment).experiment_id
    run_id = client.create_run(experiment_id, run_name="failed-job").info.run_id
    client.set_terminated(run_id, "FAILED")
    return run_id


@dataclass
class SweepStore:
    """A 2x2 sweep, a sweep of a finished and a failed job, an untagged run, an empty experiment."""

    uri: str
    sweep_id: str
    job_ids: list[str]
    other_sweep_id: str
    other_job_id: str
    failed_job_id: str
    untagged_id: str

    def use(self) -> None:
        mlflow.set_tracking_uri(self.uri)

    def training_runs(self) -> set[str]:
        return {*self.job_ids, self.other_job_id, self.failed_job_id, self.untagged_id}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> SweepStore:
    folder = tmp_path_factory.mktemp("store")
    job_ids = [
        train_run(folder, f"model.dropout={dropout}", f"optimizer.weight_decay={decay}")
        for dropout, decay in GRID
    ]
    other_job_id = train_run(folder, "model.dropout=0.1")
    untagged_id = train_run(folder, "model.dropout=0.2")
    failed_job_id = failed_run()
    sweep_id = record_sweep(job_ids, ["model.dropout=0.0,0.3", "optimizer.weight_decay=0,1e-4"])
    other_sweep_id = record_sweep([other_job_id, failed_job_id], ["model.dropout=0.1,1.5"])
    mlflow.create_experiment("empty", artifact_location=(folder / "empty").as_uri())
    return SweepStore(
        f"sqlite:///{folder}/mlflow.db",
        sweep_id,
        job_ids,
        other_sweep_id,
        other_job_id,
        failed_job_id,
        untagged_id,
    )


def test_sweep_table_lists_its_jobs_best_first_with_the_swept_params(store):
    store.use()
    table = compare_runs("kerasmap", sweep_id=store.sweep_id)
    assert list(table.columns) == TABLE_COLUMNS
    assert sorted(table["run_id"]) == sorted(store.job_ids)
    recorded = {job: mlflow.get_run(job).data.metrics["best_val_loss"] for job in store.job_ids}
    assert [recorded[run_id] for run_id in table["run_id"]] == sorted(recorded.values())
    assert list(table["best_val_loss"]) == sorted(recorded.values())
    grid = sorted(zip(table["model.dropout"], table["optimizer.weight_decay"], strict=True))
    assert grid == [(0.0, 0.0), (0.0, 1e-4), (0.3, 0.0), (0.3, 1e-4)]
    assert (table["status"] == "FINISHED").all()
    assert (table["epochs_run"] == 2).all()
    assert (table["wall_seconds"] > 0).all()
    assert table.attrs == {
        "swept_params": SWEPT_KEYS,
        "metric": "best_val_loss",
        "direction": "minimize",
    }


@pytest.mark.parametrize(
    "metric, direction, resolved",
    [
        ("test_accuracy", "auto", "maximize"),
        ("test_auc", "auto", "maximize"),
        ("test_loss", "auto", "minimize"),
        ("test_accuracy", "minimize", "minimize"),
    ],
)
def test_direction_sorts_scores_down_and_losses_up(store, metric, direction, resolved):
    store.use()
    table = compare_runs("kerasmap", sweep_id=store.sweep_id, metric=metric, direction=direction)
    assert table.attrs["direction"] == resolved
    values = list(table[metric])
    assert values == sorted(values, reverse=resolved == "maximize")


def test_failed_runs_come_last_whichever_the_direction(store):
    store.use()
    for direction in ("minimize", "maximize"):
        table = compare_runs("kerasmap", sweep_id=store.other_sweep_id, direction=direction)
        assert list(table["run_id"]) == [store.other_job_id, store.failed_job_id]
        assert list(table["status"]) == ["FINISHED", "FAILED"]
        assert table["best_val_loss"].isna().tolist() == [False, True]


def test_without_a_sweep_every_training_run_is_listed_with_the_params_that_differ(store):
    store.use()
    table = compare_runs("kerasmap")
    assert sorted(table["run_id"]) == sorted(store.training_runs())
    assert table.attrs["swept_params"] == SWEPT_KEYS
    assert table["run_id"].iloc[-1] == store.failed_job_id


def test_tag_filters_select_runs(store):
    store.use()
    sweep_jobs = compare_runs("kerasmap", tags={ROLE_TAG: ROLE_JOB})
    assert set(sweep_jobs["run_id"]) == store.training_runs() - {store.untagged_id}
    other_sweep = compare_runs("kerasmap", tags={SWEEP_ID_TAG: store.other_sweep_id})
    assert set(other_sweep["run_id"]) == {store.other_job_id, store.failed_job_id}
    binary = compare_runs("kerasmap", sweep_id=store.sweep_id, tags={"task": "binary"})
    assert sorted(binary["run_id"]) == sorted(store.job_ids)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            {"metric": "foo"},
            r"Received an invalid value for `metric`, expected one of the run metrics "
            r"accuracy, auc, best_val_loss, .*test_accuracy.*\. Received: metric='foo'$",
        ),
        (
            {"direction": "up"},
            r"expected one of 'auto', 'minimize', 'maximize'\. Received: direction='up'",
        ),
        (
            {"experiment": "nope"},
            r"`experiment`, expected one of the experiments of sqlite:.*: Default, "
            r"empty, kerasmap\. Received: experiment='nope'",
        ),
        ({"experiment": "empty"}, r"`experiment`, expected an experiment with training runs"),
        ({"sweep_id": "0" * 32}, r"`sweep_id`, expected the id of a sweep with training runs"),
        ({"tags": {"task": "regression"}}, r"`tags`, expected tags that a training run carries"),
    ],
)
def test_bad_arguments_are_one_sentence_errors(store, arguments, message):
    store.use()
    arguments = {"experiment": "kerasmap", **arguments}
    with pytest.raises(ConfigError, match=message):
        compare_runs(arguments.pop("experiment"), **arguments)


def compose_compare(overrides: list[str]):
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose("compare", overrides=overrides)


def test_pipeline_writes_the_table_and_plot_and_logs_them_on_the_sweep_parent(
    store, tmp_path, capsys
):
    output_dir = tmp_path / "compare"
    cfg = compose_compare(
        [f"tracking.uri={store.uri}", f"sweep_id={store.sweep_id}", f"output_dir={output_dir}"]
    )
    table = compare_pipeline.compare(cfg)
    written = pd.read_csv(output_dir / "comparison.csv")
    assert list(written["run_id"]) == list(table["run_id"])
    assert list(written.columns) == TABLE_COLUMNS
    markdown = (output_dir / "comparison.md").read_text().splitlines()
    assert len(markdown) == 2 + 4  # header, separator, one line per job
    assert markdown[0].startswith("| run_id")
    assert (output_dir / "comparison.png").stat().st_size > 0
    logged = artifact_paths(store.sweep_id, "comparison")
    assert logged == {f"comparison/comparison.{kind}" for kind in ("csv", "md", "png")}
    printed = capsys.readouterr().out
    assert "\n".join(markdown) in printed
    assert str(output_dir / "comparison.png") in printed


@pytest.mark.parametrize(
    "uri, problem",
    [
        ("sqlite:///{folder}/missing.db", r"no file .*missing\.db"),
        ("http://user:secret@127.0.0.1:{port}", r"the server did not answer within 5 s"),
    ],
)
def test_a_store_that_cannot_be_read_is_one_sentence_and_left_alone(tmp_path, uri, problem):
    uri = uri.format(folder=tmp_path, port=free_port())
    cfg = compose_compare([f"tracking.uri={uri}", f"output_dir={tmp_path}/compare"])
    with pytest.raises(
        ConfigError, match=f"expected an existing MLflow store \\({problem}\\)"
    ) as error:
        compare_pipeline.compare(cfg)
    assert "secret" not in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_hydra_tag_overrides_become_dotted_tag_filters(store, tmp_path):
    overrides = [f"tracking.uri={store.uri}", f"output_dir={tmp_path}"]
    cfg = compose_compare([*overrides, f"+tags.kerasmap.sweep_id={store.other_sweep_id}"])
    assert list(compare_pipeline.compare(cfg)["run_id"]) == [
        store.other_job_id,
        store.failed_job_id,
    ]
    nested = {"kerasmap": {"sweep_role": "job"}, "git_dirty": False, "epochs": 2}
    assert compare_pipeline.tag_filters(nested) == {
        "kerasmap.sweep_role": "job",
        "git_dirty": "false",  # as kerasmap records booleans in tags
        "epochs": "2",
    }


def test_plot_draws_one_panel_per_param_with_text_values_as_categories(tmp_path):
    table = pd.DataFrame(
        {
            "model.hidden_units": ["[8]", "[16]", "[8]"],
            "optimizer.learning_rate": [0.1, 0.01, 0.001],
            "best_val_loss": [0.3, 0.2, 0.4],
        }
    )
    figure = plot_metric_against_params(
        table, "best_val_loss", ["model.hidden_units", "optimizer.learning_rate"]
    )
    figure.savefig(tmp_path / "plot.png")
    units, rate = figure.axes
    assert [label.get_text() for label in units.get_xticklabels()] == ["[8]", "[16]"]
    assert [label.get_text() for label in rate.get_xticklabels()] == ["0.001", "0.01", "0.1"]
    assert units.get_xlabel() == "model.hidden_units"
    assert rate.get_ylabel() == "best_val_loss"
    with pytest.raises(ConfigError, match=r"`params`, expected at least one param column"):
        plot_metric_against_params(table, "best_val_loss", [])


def test_cli_prints_the_table_and_where_it_wrote_it(store, tmp_path):
    output_dir = tmp_path / "compare"
    arguments = [
        f"tracking.uri={store.uri}",
        f"sweep_id={store.sweep_id}",
        f"output_dir={output_dir}",
    ]
    result = run_cli("compare", arguments, env=QUIET_MLFLOW, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| run_id" in result.stdout
    for job_id in store.job_ids:
        assert job_id in result.stdout
    assert str(output_dir / "comparison.csv") in result.stdout
    assert f"{store.sweep_id}/artifacts/comparison" in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["compare"]  # no Hydra clutter


def test_cli_mistake_exits_2_with_one_sentence(store, tmp_path):
    arguments = [f"tracking.uri={store.uri}", f"output_dir={tmp_path}/compare", "metric=foo"]
    result = run_cli("compare", arguments, env=QUIET_MLFLOW, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error_lines) == 1
    expected = "Received an invalid value for `metric`, expected one of the run metrics"
    assert expected in error_lines[0]
    assert not (tmp_path / "compare").exists()


def test_a_tag_filter_without_its_plus_is_explained():
    with pytest.raises(
        ConfigError, match=r"expected \+tags.task=binary .*Received: tags.task=binary"
    ):
        compare_pipeline.require_plus_for_tags(["metric=test_loss", "tags.task=binary"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Requests go straight to the loopback server, never through a proxy from the environment.
loopback = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def wait_until_healthy(url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The MLflow server exited with status {server.returncode}.")
        try:
            with loopback.open(f"{url}/health", timeout=2):
                return
        except OSError:  # not listening yet, or not ready (an HTTP error is an OSError too)
            time.sleep(0.5)
    pytest.fail(f"The MLflow server at {url} was not healthy after {timeout:.0f} s.")


@pytest.fixture
def tracking_server(tmp_path):
    """A real `mlflow server` on loopback over a SQLite store in `tmp_path`."""
    url = f"http://127.0.0.1:{free_port()}"
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "server",
        *("--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--workers", "1"),
        *("--backend-store-uri", f"sqlite:///{tmp_path}/server.db"),
        *("--default-artifact-root", str(tmp_path / "artifacts")),
    ]
    with open(tmp_path / "server.log", "w") as log:
        # Its own process group: the server starts uvicorn as a child, and both must stop.
        server = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **QUIET_MLFLOW},
            start_new_session=True,
        )
    try:
        wait_until_healthy(url, server)
        yield url
    finally:
        stop_process_group(server)


def stop_process_group(process: subprocess.Popen) -> None:
    """Terminates the group `process` leads; kills it if it is still running after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def search_runs_over_rest(url: str, experiment_id: str, filter_string: str) -> list[dict]:
    request = urllib.request.Request(
        f"{url}/api/2.0/mlflow/runs/search",
        data=json.dumps(
            {"experiment_ids": [experiment_id], "filter": filter_string, "max_results": 50}
        ).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with loopback.open(request, timeout=30) as response:
        return json.load(response)["runs"]


def test_sweep_logged_to_a_tracking_server_is_listed_by_its_rest_api(tracking_server, tmp_path):
    job_ids = [
        train_run(tmp_path, f"model.dropout={dropout}", tracking_uri=tracking_server)
        for dropout in ("0.0", "0.3")
    ]
    mlflow.set_tracking_uri(tracking_server)
    sweep_id = record_sweep(job_ids, ["model.dropout=0.0,0.3"])
    experiment_id = mlflow.get_experiment_by_name("kerasmap").experiment_id
    runs = search_runs_over_rest(
        tracking_server, experiment_id, f"tags.`{SWEEP_ID_TAG}` = '{sweep_id}'"
    )
    tags = {
        run["info"]["run_id"]: {tag["key"]: tag["value"] for tag in run["data"]["tags"]}
        for run in runs
    }
    assert set(tags) == {sweep_id, *job_ids}
    assert tags[sweep_id][ROLE_TAG] == ROLE_PARENT
    for job_id in job_ids:
        assert tags[job_id]["mlflow.parentRunId"] == sweep_id
        assert tags[job_id][ROLE_TAG] == ROLE_JOB
    table = compare_runs("kerasmap", sweep_id=sweep_id)
    assert sorted(table["run_id"]) == sorted(job_ids)
    assert list(table.columns[3:4]) == ["model.dropout"]
