"""The model registry: `tracking.register` at train time, and `make promote`'s gate."""

import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import mlflow
import numpy as np
import pandas as pd
import pytest

from kerasmap import stages
from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.cross_validation import ROLE_TAG as CV_ROLE_TAG
from kerasmap.errors import ConfigError
from kerasmap.reports import evaluate, predict, promote
from kerasmap.sweeps import ROLE_JOB, ROLE_TAG

from own_files import write_table
from pipeline_helpers import SMALL_TABULAR, new_store, train_in_process

TABLE = ["data=table", "data.target=band", "data.drop=[price]"]


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> SimpleNamespace:
    """Bad models and a good one of the same table, in one new store.

    The bad ones are the two fold runs of a cross-validation at a tiny learning rate for
    one epoch, trained with `tracking.register=homes`, and their parent's average of them;
    the cross-validation is killed in its second fold and started again. The good one
    trains for four epochs.
    """
    folder = new_store(tmp_path_factory.mktemp("registry"))
    data = [*TABLE, *SMALL_TABULAR, f"data.path={write_table(folder / 'homes.csv')}"]
    bad = ["trainer.folds=2", "trainer.epochs=1", "optimizer.learning_rate=1e-6"]
    with pytest.MonkeyPatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(stages, "evaluate", evaluated_once(stages.evaluate))
        train_in_process(folder, *data, *bad, "tracking.register=homes")
    train_in_process(folder, *data, *bad, "tracking.register=homes")
    good = train_in_process(folder, *data, "trainer.epochs=4", "optimizer.learning_rate=0.05")
    runs = mlflow.search_runs(experiment_names=["kerasmap"])
    roles = runs[f"tags.{CV_ROLE_TAG}"]
    versions = mlflow.MlflowClient().search_model_versions("name = 'homes'")
    first = next(version for version in versions if str(version.version) == "1")
    homes = SimpleNamespace(
        folder=folder,
        store=f"tracking.uri=sqlite:///{folder}/mlflow.db",
        cross_validation=mlflow.get_run(runs[roles == "parent"].run_id.item()),
        folds=set(runs[roles == "member"].run_id),
        versions={str(version.version): version.run_id for version in versions},
        bad=mlflow.get_run(first.run_id),  # version 1
        good=good,
    )
    mlflow.set_tracking_uri(None)
    return homes


def evaluated_once(evaluate_model):
    """`stages.evaluate` that evaluates once, then stops the process as a kill would."""
    calls = []

    def evaluate_or_stop(*arguments):
        calls.append(arguments)
        if len(calls) > 1:
            raise SystemExit(144)
        return evaluate_model(*arguments)

    return evaluate_or_stop


def promoted_line(capsys, run_id: str, *arguments: str) -> str:
    """Runs `make promote` in this process; returns its last printed line."""
    assert promote.main([run_id, *arguments]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_tracking_register_makes_each_trained_model_a_version(homes):
    # Each fold run registers its model, then the parent registers their average.
    parent = homes.cross_validation
    assert sorted(homes.versions) == ["1", "2", "3"]
    assert {homes.versions["1"], homes.versions["2"]} == homes.folds
    assert homes.versions["3"] == parent.info.run_id
    assert parent.info.status == "FINISHED"  # the killed cross-validation, continued


def test_a_cross_validation_parent_gives_the_average_of_its_fold_models(homes, tmp_path):
    parent = homes.cross_validation.info.run_id
    mlflow.set_tracking_uri(f"sqlite:///{homes.folder}/mlflow.db")
    rows = pd.read_csv(homes.folder / "homes.csv").head(6)  # raw rows, missing cells included
    probabilities = [
        mlflow.pyfunc.load_model(f"runs:/{run_id}/model").predict(rows)["probability_high"]
        for run_id in (parent, *homes.folds)
    ]
    np.testing.assert_allclose(probabilities[0], np.mean(probabilities[1:], axis=0), rtol=1e-5)
    # The pyfunc loader is the same file for every model, and `test_logged_models` loads it
    # in a process without kerasmap; what is the average's own is its Keras classes.
    folder = mlflow.artifacts.download_artifacts(f"runs:/{parent}/model", dst_path=str(tmp_path))
    (keras_file,) = Path(folder).rglob("*.keras")
    with zipfile.ZipFile(keras_file) as saved:
        modules = set(re.findall(r'"module": "([^"]+)"', saved.read("config.json").decode()))
    assert modules and all(module.split(".")[0] == "keras" for module in modules), modules


def test_evaluate_predict_and_promote_take_a_cross_validation_parent(homes, capsys, tmp_path):
    parent = homes.cross_validation
    averaged = parent.data.metrics["ensemble_test_accuracy"]
    assert {"test_accuracy", "std_test_accuracy"} <= set(parent.data.metrics)  # folds' mean
    assert evaluate.main([parent.info.run_id, homes.store]) == 0
    printed = dict(line.split() for line in capsys.readouterr().out.strip().splitlines())
    assert float(printed["test_accuracy"]) == pytest.approx(averaged, abs=1e-4)
    output = tmp_path / "predictions.csv"
    arguments = [f"input={homes.folder / 'homes.csv'}", f"output={output}", homes.store]
    assert predict.main([parent.info.run_id, *arguments]) == 0
    assert set(pd.read_csv(output)["label"]) <= {"high", "low"}
    line = promoted_line(capsys, parent.info.run_id, "name=homes_cv", homes.store)
    assert line == (
        f"Candidate models:/homes_cv/1 (run {parent.info.run_id}) test_accuracy "
        f"{averaged:.4f}; no champion yet: promoted, models:/homes_cv@champion is now version 1."
    )


def test_the_gate_accepts_a_better_model_and_refuses_a_worse_one(homes, capsys):
    bad, good = homes.bad.info.run_id, homes.good.info.run_id
    bad_score = homes.bad.data.metrics["test_accuracy"]
    good_score = homes.good.data.metrics["test_accuracy"]
    assert good_score > bad_score + 0.1

    first = promoted_line(capsys, bad, "name=homes", homes.store)
    assert first == (
        f"Candidate models:/homes/1 (run {bad}) test_accuracy {bad_score:.4f}; "
        f"no champion yet: promoted, models:/homes@champion is now version 1."
    )
    better = promoted_line(capsys, good, "name=homes", "margin=0.1", homes.store)
    assert better == (
        f"Candidate models:/homes/4 (run {good}) test_accuracy {good_score:.4f}; champion "
        f"models:/homes/1 test_accuracy {bad_score:.4f}; margin 0.1000: promoted, "
        f"models:/homes@champion is now version 4."
    )
    worse = promoted_line(capsys, bad, "name=homes", "metric=test_loss", homes.store)
    assert worse.endswith("not promoted, models:/homes@champion stays version 4.")
    assert "test_loss" in worse
    again = promoted_line(capsys, good, "name=homes", homes.store)
    assert again.endswith("is already models:/homes@champion: nothing to change.")

    client = mlflow.MlflowClient()
    assert client.get_model_version_by_alias("homes", "champion").run_id == good
    refused = client.get_model_version("homes", "1").tags
    assert refused["kerasmap.promotion.decision"] == "not promoted"
    assert refused["kerasmap.promotion.champion_version"] == "4"
    assert evaluate.main(["models:/homes@champion", homes.store]) == 0
    printed = dict(line.split() for line in capsys.readouterr().out.strip().splitlines())
    assert float(printed["test_accuracy"]) == pytest.approx(good_score, abs=1e-4)


@pytest.mark.parametrize(
    "score, rival, margin, direction, passes",
    [
        (0.75, 0.5, 0.0, "maximize", True),
        (0.75, 0.75, 0.0, "maximize", False),  # a tie keeps the champion
        (0.75, 0.5, 0.25, "maximize", False),  # the margin must be exceeded
        (1.0, 2.0, 0.5, "minimize", True),
        (2.0, 1.0, 0.0, "minimize", False),
    ],
)
def test_the_gate_needs_an_improvement_of_more_than_the_margin(
    score, rival, margin, direction, passes
):
    assert promote.beats(score, rival, margin, direction) is passes


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["0123456789abcdef", "name=homes"], "Received an invalid value for `RUN`, expected the"),
        (["{bad}", "name=my/model"], "Received an invalid value for `name`, expected a "),
        (["{bad}"], "Received an invalid value for `name`"),
        (
            ["{bad}", "name=homes", "metric=val_loss"],
            "Received an invalid value for `metric`, expected one of the test metrics of run "
            "{bad}: test_accuracy, test_auc, test_loss, test_macro_f1. Received: "
            "metric='val_loss'",
        ),
        (["{bad}", "name=homes", "margin=-1"], "expected a number >= 0. Received: margin='-1'"),
        (["{bad}", "name=homes", "margn=1"], "Received: option='margn=1'"),
    ],
)
def test_a_mistake_is_one_sentence_and_exit_status_2(homes, capsys, arguments, message):
    bad = homes.bad.info.run_id
    with pytest.raises(SystemExit) as stopped:
        promote.main([argument.format(bad=bad) for argument in arguments] + [homes.store])
    assert stopped.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("Error: ")
    assert message.format(bad=bad) in line


def test_a_sweep_promotes_its_best_job(sweep_store, tmp_path, capsys):
    folder = shutil.copytree(sweep_store.folder, tmp_path / "store")  # the registry is added
    store = f"tracking.uri=sqlite:///{folder}/mlflow.db"
    line = promoted_line(capsys, sweep_store.parent.run_id, "name=moons", store)
    finished = sweep_store.jobs[sweep_store.jobs["status"] == "FINISHED"]
    best = finished["metrics.test_accuracy"].max()
    assert line.startswith("Candidate models:/moons/1 (run ")
    assert line.endswith(
        f"test_accuracy {best:.4f}; no champion yet: promoted, models:/moons@champion is now "
        f"version 1."
    )
    champion = mlflow.MlflowClient().get_model_version_by_alias("moons", "champion")
    assert champion.run_id in set(finished.run_id)
    assert mlflow.get_run(champion.run_id).data.tags[ROLE_TAG] == ROLE_JOB


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            ["tracking.register=my/model"],
            "Received an invalid value for `tracking.register`, expected a registered model "
            "name of letters, digits, '_', '.' and '-', starting with a letter or digit. "
            "Received: tracking.register='my/model'",
        ),
        (
            ["tracking.register=homes", "tracking.log_model=false"],
            "Received an invalid value for `tracking.log_model`, expected true when "
            "tracking.register='homes' (only a logged model registers). "
            "Received: tracking.log_model=False",
        ),
    ],
)
def test_a_bad_tracking_register_is_refused_before_training(overrides, message):
    with pytest.raises(ConfigError) as refused:
        load_settings(compose_config(overrides))
    assert str(refused.value) == message
