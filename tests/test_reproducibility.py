"""Reproducibility: deterministic runs repeat exactly, record what repeats them, and rerun."""

import shutil

import mlflow
import pytest
from omegaconf import OmegaConf

from kerasmap.config.compose import compose_config, rebuild_config
from kerasmap.errors import ConfigError
from kerasmap.reports.recorded_run import RecordedRun
from kerasmap.reports.rerun import (
    COMPARISON_ARTIFACT,
    RERUN_MATCH_TAG,
    RERUN_OF_TAG,
    compare_metrics,
    main,
    possible_causes,
    print_rerun,
    verdict,
)

from pipeline_helpers import (
    CONF,
    TINY_MOONS,
    artifact_paths,
    new_store,
    runs_in,
    train_in_process,
)

PER_EPOCH = ("loss", "val_loss", "accuracy", "val_accuracy")
MATCH = "Metrics match the source run exactly."


def history(run, name: str) -> list[tuple[int, float]]:
    points = mlflow.MlflowClient().get_metric_history(run.info.run_id, name)
    return sorted((point.step, point.value) for point in points)


def without_resume(params: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in params.items() if key != "trainer.resume"}


def new_run(folder, before: set[str]) -> mlflow.entities.Run:
    (run_id,) = set(runs_in(folder)["run_id"]) - before
    return mlflow.get_run(run_id)


@pytest.mark.slow
def test_deterministic_runs_in_two_processes_repeat_exactly_epoch_by_epoch(deterministic_pair):
    # Augmented images: without `trainer.deterministic=true` these would differ (README).
    mlflow.set_tracking_uri(deterministic_pair.uri)
    first, second = deterministic_pair.runs
    for name in PER_EPOCH:
        assert len(history(first, name)) == int(first.data.metrics["epochs_run"])
        assert history(first, name) == history(second, name), name
    test_metrics = {k: v for k, v in first.data.metrics.items() if k.startswith("test_")}
    assert test_metrics and test_metrics == {k: second.data.metrics[k] for k in test_metrics}
    # Every value the same but `trainer.resume`: a rerun never continues a backup.
    assert without_resume(first.data.params) == without_resume(second.data.params)


@pytest.mark.slow
def test_every_run_records_what_repeats_it(deterministic_pair):
    mlflow.set_tracking_uri(deterministic_pair.uri)
    run = deterministic_pair.runs[0]
    for tag in (
        "git_commit",
        "git_dirty",
        "dataset_fingerprint",
        "version.tensorflow",
        "version.keras",
        "version.mlflow",
    ):
        assert run.data.tags[tag] not in ("", "unknown", "not installed"), tag
    assert run.data.params["seed"] == "7"
    assert run.data.params["data.augment"] == "True"
    assert run.data.params["trainer.deterministic"] == "True"
    assert {"config/config.yaml", "config/overrides.txt"} <= artifact_paths(run.info.run_id)


@pytest.mark.slow
@pytest.mark.slow
def test_a_rerun_of_a_deterministic_run_matches_it(deterministic_pair):
    mlflow.set_tracking_uri(deterministic_pair.uri)
    source, rerun = deterministic_pair.runs
    assert rerun.info.status == "FINISHED"
    assert rerun.data.tags[RERUN_OF_TAG] == source.info.run_id
    assert rerun.data.tags[RERUN_MATCH_TAG] == "true"
    assert deterministic_pair.rerun_output.strip().splitlines()[-1] == MATCH
    assert COMPARISON_ARTIFACT in artifact_paths(rerun.info.run_id)


def test_a_rerun_that_differs_says_so_and_names_possible_causes(tmp_path, capsys):
    source = train_in_process(tmp_path, *TINY_MOONS, "seed=7", "tracking.log_model=false")
    before = set(runs_in(tmp_path)["run_id"])
    store = f"tracking.uri=sqlite:///{tmp_path}/mlflow.db"
    assert print_rerun(source.info.run_id, [store, "seed=8"]) == 0
    rerun = new_run(tmp_path, before)
    assert rerun.data.tags[RERUN_MATCH_TAG] == "false"
    verdict_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert verdict_line.startswith("Metrics differ from the source run: ")
    assert "the source run was not deterministic: trainer.deterministic=false" in verdict_line
    assert "the rerun ran with seed=8 instead of 7" in verdict_line


def test_an_unknown_run_id_is_one_error_line(tmp_path, capsys):
    store = f"tracking.uri=sqlite:///{new_store(tmp_path)}/mlflow.db"
    with pytest.raises(SystemExit) as stopped:
        main(["0123456789abcdef", store])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"Error: Received an invalid value for `run_id`: no kerasmap run with that id in "
        f"sqlite:///{tmp_path}/mlflow.db. Received: run_id='0123456789abcdef'"
    ]


def recorded_run(overrides: list[str], **changes) -> RecordedRun:
    config = OmegaConf.to_container(compose_config(overrides), resolve=True)
    config["tracking"] |= changes
    return RecordedRun("source", overrides, config, {"git_commit": "1f2e"}, {})


def rebuild(source: RecordedRun, overrides: list[str], config_dir=CONF):
    return rebuild_config(
        source.overrides,
        source.config,
        overrides,
        source=source.description,
        config_dir=str(config_dir),
    )


def test_rebuild_keeps_recorded_values_when_a_default_changed_since(tmp_path):
    conf = shutil.copytree(CONF, tmp_path / "conf")
    default = conf / "trainer" / "default.yaml"
    default.write_text(default.read_text().replace("epochs: 10", "epochs: 5"))
    source = recorded_run(["data=moons", "model.hidden_units=[8]"])
    cfg, replayed = rebuild(source, ["trainer.batch_size=16"], conf)
    assert cfg.trainer.epochs == 10
    assert cfg.model.hidden_units == [8]
    assert cfg.trainer.batch_size == 16
    assert replayed == ["data=moons", "model.hidden_units=[8]", "trainer.batch_size=16"]


def test_rebuild_takes_hidden_values_from_the_current_config():
    hidden_uri = "http://user:***@tracking.example"
    source = recorded_run(["data=moons", f"tracking.uri={hidden_uri}"], uri=hidden_uri)
    cfg, replayed = rebuild(source, [])
    assert cfg.tracking.uri == "sqlite:///mlflow.db"
    assert replayed == ["data=moons"]


def test_rebuild_with_another_group_option_drops_the_recorded_group():
    source = recorded_run(["data=moons", "model.hidden_units=[8]"])
    cfg, replayed = rebuild(source, ["model=cnn", "data=mnist"])
    assert cfg.model.name == "cnn" and cfg.model.filters == [32, 64]
    assert replayed == ["model=cnn", "data=mnist"]


def test_a_recorded_key_the_schemas_no_longer_have_is_one_clear_error():
    source = recorded_run(["data=moons"])
    source.config["model"]["width"] = 3
    with pytest.raises(
        ConfigError, match=r"recorded value for `model.width`.*model.width=3 in run_id='source'"
    ):
        rebuild(source, [])


@pytest.mark.parametrize(
    "rerun_loss, expected",
    [
        ({0: 0.5, 1: 0.25}, MATCH),
        ({0: 0.5, 1: 0.5}, "1 of 2 differ; largest difference 0.25 in `loss`, first at step 1"),
        ({0: 0.5}, "largest difference inf in `loss`"),
    ],
    ids=["equal", "one step differs", "a step is missing"],
)
def test_metrics_are_compared_step_by_step(rerun_loss, expected):
    source = RecordedRun("source", [], {"trainer": {"deterministic": False}}, {}, {})
    source_metrics = {
        "loss": {0: 0.5, 1: 0.25},
        "test_accuracy": {0: float("nan")},
        "epoch_seconds": {0: 1.0},
    }
    rerun_metrics = {
        "loss": rerun_loss,
        "test_accuracy": {0: float("nan")},
        "epoch_seconds": {0: 2.0},
    }
    comparison = compare_metrics(source_metrics, rerun_metrics)
    assert list(comparison["metric"]) == ["loss", "test_accuracy"]
    line = verdict(comparison, possible_causes(source, source.config, {}))
    assert expected in line
    assert (line == MATCH) or "trainer.deterministic=false" in line
