"""The run-comparison tool on two real `-m` sweeps: library, command line, server."""

import json
import math
import urllib.request

import mlflow
import pandas as pd
import pytest

from kerasmap import cli
from kerasmap.config.compose import compose_config
from kerasmap.errors import ConfigError
from kerasmap.reports.compare import compare, require_plus_for_tags, tag_filters
from kerasmap.reports.comparison import compare_runs
from kerasmap.reports.comparison_plot import plot_metric_against_params
from kerasmap.sweeps import ROLE_JOB, ROLE_PARENT, ROLE_TAG, SWEEP_ID_TAG

from pipeline_helpers import artifact_paths, run_cli
from servers import QUIET_MLFLOW, free_port, loopback

SWEPT_KEYS = ["model.dropout", "optimizer.learning_rate"]
TABLE_COLUMNS = ["run_id", "run_name", "status", *SWEPT_KEYS]
TABLE_COLUMNS += ["best_val_loss", "test_accuracy", "epochs_run", "wall_seconds"]


@pytest.fixture
def store(sweep_store):
    mlflow.set_tracking_uri(sweep_store.uri)
    return sweep_store


def finished(jobs):
    return jobs[jobs["status"] == "FINISHED"]


def test_sweep_table_lists_its_jobs_best_first_with_the_swept_params(store):
    table = compare_runs("kerasmap", sweep_id=store.parent.run_id)
    assert list(table.columns) == TABLE_COLUMNS
    done = finished(store.jobs)
    recorded = dict(zip(done.run_id, done["metrics.best_val_loss"], strict=True))
    assert list(table["run_id"][:2]) == sorted(recorded, key=recorded.get)
    assert list(table["best_val_loss"][:2]) == sorted(recorded.values())
    # Jobs with a bad value failed before their run started: they recorded no params.
    with_params = table.dropna(subset=SWEPT_KEYS)
    grid = sorted(
        zip(with_params["model.dropout"], with_params["optimizer.learning_rate"], strict=True)
    )
    assert grid == [(0.0, 0.01), (0.0, 1e30), (0.3, 0.01), (0.3, 1e30)]
    assert set(table["run_name"]) == set(store.jobs["tags.mlflow.runName"])
    assert list(table["status"]) == ["FINISHED"] * 2 + ["FAILED"] * 4
    assert list(table["epochs_run"][:2]) == [2, 2]
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
    table = compare_runs(
        "kerasmap", sweep_id=store.parent.run_id, metric=metric, direction=direction
    )
    assert table.attrs["direction"] == resolved
    values = list(table[metric])
    assert values == sorted(values, reverse=resolved == "maximize")


def test_failed_jobs_come_last_whichever_the_direction(store):
    for direction in ("minimize", "maximize"):
        table = compare_runs("kerasmap", sweep_id=store.parent.run_id, direction=direction)
        assert list(table["status"]) == ["FINISHED"] * 2 + ["FAILED"] * 4
        assert table["best_val_loss"].isna().tolist() == [False] * 2 + [True] * 4


def test_without_a_sweep_every_training_run_is_listed_with_the_params_that_differ(store):
    table = compare_runs("kerasmap")
    assert set(table["run_id"]) == set(store.jobs.run_id)
    assert list(table["status"][:2]) == ["FINISHED"] * 2
    assert table.attrs["swept_params"] == SWEPT_KEYS


def test_tag_filters_select_runs(store):
    jobs = compare_runs("kerasmap", tags={ROLE_TAG: ROLE_JOB})
    assert set(jobs["run_id"]) == set(store.jobs.run_id)
    # Jobs with a bad value fail before their run starts, so they carry no data tags.
    binary = compare_runs("kerasmap", sweep_id=store.parent.run_id, tags={"task": "binary"})
    assert set(binary["run_id"]) == set(store.jobs[store.jobs["tags.task"] == "binary"].run_id)
    assert len(binary) == 4


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
            r"kerasmap\. Received: experiment='nope'",
        ),
        ({"experiment": "Default"}, r"`experiment`, expected an experiment with training runs"),
        ({"sweep_id": "0" * 32}, r"`sweep_id`, expected the id of a sweep with training runs"),
        ({"tags": {"task": "regression"}}, r"`tags`, expected tags that a training run carries"),
    ],
)
def test_bad_arguments_are_one_sentence_errors(store, arguments, message):
    arguments = {"experiment": "kerasmap", **arguments}
    with pytest.raises(ConfigError, match=message):
        compare_runs(arguments.pop("experiment"), **arguments)


def test_compare_writes_the_table_and_plot_and_logs_them_on_the_sweep_parent(
    store, tmp_path, capsys
):
    output_dir = tmp_path / "compare"
    sweep_id = store.parent.run_id
    cfg = compose_config(
        [f"tracking.uri={store.uri}", f"sweep_id={sweep_id}", f"output_dir={output_dir}"],
        config_name="compare",
    )
    table = compare(cfg)
    written = pd.read_csv(output_dir / "comparison.csv")
    assert list(written["run_id"]) == list(table["run_id"])
    assert list(written.columns) == TABLE_COLUMNS
    markdown = (output_dir / "comparison.md").read_text().splitlines()
    assert len(markdown) == 2 + 6  # header, separator, one line per job
    assert markdown[0].startswith("| run_id")
    assert (output_dir / "comparison.png").stat().st_size > 0
    logged = artifact_paths(sweep_id, "comparison")
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
    cfg = compose_config([f"tracking.uri={uri}", f"output_dir={tmp_path}/compare"], "compare")
    with pytest.raises(
        ConfigError, match=f"expected an existing MLflow store \\({problem}\\)"
    ) as error:
        compare(cfg)
    assert "secret" not in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_hydra_tag_overrides_become_dotted_tag_filters(store, tmp_path):
    overrides = [f"tracking.uri={store.uri}", f"output_dir={tmp_path}"]
    cfg = compose_config([*overrides, f"+tags.kerasmap.sweep_id={store.parent.run_id}"], "compare")
    assert set(compare(cfg)["run_id"]) == set(store.jobs.run_id)
    nested = {"kerasmap": {"sweep_role": "job"}, "git_dirty": False, "epochs": 2}
    assert tag_filters(nested) == {
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


@pytest.mark.slow
def test_the_command_prints_the_table_and_where_it_wrote_it(store, tmp_path):
    output_dir = tmp_path / "compare"
    sweep_id = store.parent.run_id
    arguments = [f"tracking.uri={store.uri}", f"sweep_id={sweep_id}", f"output_dir={output_dir}"]
    result = run_cli("compare", arguments, env=QUIET_MLFLOW, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| run_id" in result.stdout
    for job_id in store.jobs.run_id:
        assert job_id in result.stdout
    assert str(output_dir / "comparison.csv") in result.stdout
    assert f"{sweep_id}/artifacts/comparison" in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["compare"]  # no Hydra clutter


def test_a_mistake_is_one_sentence_and_exit_status_2_with_nothing_written(store, tmp_path, capsys):
    arguments = [f"tracking.uri={store.uri}", f"output_dir={tmp_path}/compare", "metric=foo"]
    with pytest.raises(SystemExit) as stopped, cli.user_errors_exit():  # as pipelines/compare.py
        compare(compose_config(arguments, "compare"))
    assert stopped.value.code == 2
    (error_line,) = capsys.readouterr().err.splitlines()
    expected = "Error: Received an invalid value for `metric`, expected one of the run metrics"
    assert error_line.startswith(expected)
    assert not (tmp_path / "compare").exists()


def test_a_tag_filter_without_its_plus_is_explained():
    with pytest.raises(
        ConfigError, match=r"expected \+tags.task=binary .*Received: tags.task=binary"
    ):
        require_plus_for_tags(["metric=test_loss", "tags.task=binary"])


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


@pytest.mark.slow
def test_a_sweep_served_by_make_ui_is_listed_by_its_rest_api(store, ui_server):
    tracking_server = ui_server.address
    sweep_id = store.parent.run_id
    mlflow.set_tracking_uri(tracking_server)
    experiment_id = mlflow.get_experiment_by_name("kerasmap").experiment_id
    runs = search_runs_over_rest(
        tracking_server, experiment_id, f"tags.`{SWEEP_ID_TAG}` = '{sweep_id}'"
    )
    tags = {
        run["info"]["run_id"]: {tag["key"]: tag["value"] for tag in run["data"]["tags"]}
        for run in runs
    }
    assert set(tags) == {sweep_id, *store.jobs.run_id}
    assert tags[sweep_id][ROLE_TAG] == ROLE_PARENT
    for job_id in store.jobs.run_id:
        assert tags[job_id]["mlflow.parentRunId"] == sweep_id
        assert tags[job_id][ROLE_TAG] == ROLE_JOB
    table = compare_runs("kerasmap", sweep_id=sweep_id)
    assert sorted(table["run_id"]) == sorted(store.jobs.run_id)
    assert not math.isnan(table["best_val_loss"].iloc[0])
