"""A user's own files: a table, an image folder and a text folder train, and their models
take raw inputs; a cross-validation sums its folds up on its parent run."""

import json
import logging

import mlflow
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kerasmap.cross_validation import FOLD_TAG, ROLE_TAG
from kerasmap.errors import ConfigError
from kerasmap.reports import evaluate, promote
from kerasmap.reports.comparison import compare_runs
from kerasmap.training.precision import resolve_precision

from own_files import HOMES_TYPES, homes_table, write_table
from pipeline_helpers import (
    SMALL_TABULAR,
    TINY_MOONS,
    artifact_paths,
    new_store,
    train_in_process,
)


def use(own_runs):
    folder, runs = own_runs.folder, own_runs.runs
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    return folder, runs


def description(run) -> dict:
    return mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/data/description.json")


def test_a_table_trains_as_classification_and_records_its_column_types(own_runs):
    _, runs = use(own_runs)
    run = runs["classification"]
    assert run.info.status == "FINISHED"
    assert run.data.tags["task"] == "binary"
    recorded = description(run)
    features = {name: kind for name, kind in HOMES_TYPES.items() if name not in ("price", "band")}
    assert recorded["column_types"] == features
    assert recorded["class_names"] == ["high", "low"]
    assert recorded["task_reason"] == "the target has 2 distinct values"
    assert {"plots/confusion_matrix.png", "data/description.json"} <= artifact_paths(
        run.info.run_id
    )


def test_a_numeric_target_is_regressed_with_regression_metrics_and_plots(own_runs):
    _, runs = use(own_runs)
    run = runs["regression"]
    assert run.data.tags["task"] == "regression"
    metrics = run.data.metrics
    assert metrics["test_mse"] == pytest.approx(metrics["test_loss"])
    assert metrics["test_rmse"] == pytest.approx(metrics["test_mse"] ** 0.5)
    assert metrics["test_r2"] > 0.5  # price follows age and rooms closely
    paths = artifact_paths(run.info.run_id)
    assert "plots/regression.png" in paths and "plots/confusion_matrix.png" not in paths


def test_the_table_model_labels_raw_rows_as_they_appear_in_the_file(own_runs):
    folder, runs = use(own_runs)
    model = mlflow.pyfunc.load_model(f"runs:/{runs['classification'].info.run_id}/model")
    rows = pd.read_csv(folder / "homes.csv").head(6)  # missing cells, dates as text, extra columns
    predicted = model.predict(rows)
    assert list(predicted.columns) == [
        "label",
        "probability",
        "probability_high",
        "probability_low",
    ]
    assert set(predicted["label"]) <= {"high", "low"}
    np.testing.assert_allclose(
        predicted[["probability_high", "probability_low"]].sum(axis=1), 1, rtol=1e-5
    )
    schema = {spec.name: spec.type for spec in model.metadata.get_input_schema().inputs}
    assert set(schema) == {"age", "city", "rooms", "member", "joined", "notes"}
    with pytest.raises(Exception, match="city"):
        model.predict(rows.drop(columns=["city"]))


def test_an_image_folder_model_takes_raw_pixels_of_any_size(own_runs):
    folder, runs = use(own_runs)
    run = runs["images"]
    assert run.info.status == "FINISHED"
    # mixed_bfloat16 on a CPU with bfloat16 units, float32 elsewhere: auto's choice, applied.
    assert run.data.tags["precision_policy"] == resolve_precision("auto", "cnn")
    description = mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/data/description.json")
    assert (description["image_size"], description["color_mode"]) == ([20, 21], "rgb")
    assert description["image_shape_reason"].startswith("12 sizes among the images, median")
    model = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    assert model.metadata.metadata["class_names"] == ["dark", "light"]
    for name in ("dark/0.png", "light/1.png"):
        pixels = np.asarray(Image.open(folder / "images" / name))[None]
        assert model.predict(pixels)["label"].isin(["dark", "light"]).all()
    bigger = np.zeros((2, 40, 30, 3), dtype=np.uint8)
    predicted = model.predict(bigger)
    assert list(predicted.columns) == [
        "label",
        "probability",
        "probability_dark",
        "probability_light",
    ]
    assert len(predicted) == 2


def test_a_text_folder_model_takes_raw_strings(own_runs):
    _, runs = use(own_runs)
    model = mlflow.pyfunc.load_model(f"runs:/{runs['texts'].info.run_id}/model")
    predicted = model.predict(pd.DataFrame({"text": ["goal team match", "bread and soup"]}))
    assert list(predicted.columns) == [
        "label",
        "probability",
        "probability_food",
        "probability_sport",
    ]
    assert json.loads(model.metadata.to_json())["metadata"]["class_names"] == ["food", "sport"]


def test_training_only_reads_the_users_files(own_runs):
    assert own_runs.data_after == own_runs.data_before


@pytest.fixture(scope="module")
def cross_validation(tmp_path_factory):
    folder = new_store(tmp_path_factory.mktemp("cross_validation"))
    table = write_table(folder / "homes.csv", homes_table(rows=150))
    train_in_process(
        folder,
        "data=table",
        f"data.path={table}",
        "data.target=band",
        "data.drop=[price]",
        *SMALL_TABULAR,
        "trainer.folds=3",
        "trainer.epochs=1",
        "tracking.log_model=false",
    )
    runs = mlflow.search_runs(experiment_names=["kerasmap"], output_format="list")
    (parent,) = [run for run in runs if run.data.tags.get(ROLE_TAG) == "parent"]
    mlflow.set_tracking_uri(None)
    return folder, parent


def test_k_fold_cross_validation_sums_its_folds_up_on_its_parent(cross_validation):
    folder, parent = cross_validation
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    runs = mlflow.search_runs(experiment_names=["kerasmap"])
    folds = runs[runs[f"tags.{ROLE_TAG}"] == "member"]
    assert sorted(folds[f"tags.{FOLD_TAG}"]) == ["1", "2", "3"]
    assert (folds["tags.mlflow.parentRunId"] == parent.info.run_id).all()
    assert (folds["status"] == "FINISHED").all()
    accuracies = folds["metrics.test_accuracy"]
    assert parent.data.metrics["test_accuracy"] == pytest.approx(accuracies.mean())
    assert parent.data.metrics["std_test_accuracy"] == pytest.approx(accuracies.std(ddof=0))
    assert parent.data.metrics["best_val_loss"] == pytest.approx(
        folds["metrics.best_val_loss"].mean()
    )
    assert parent.data.params["trainer.folds"] == "3"
    validation_sizes = folds["tags.mlflow.runName"].str.extract(r"fold=(\d)/3")[0]
    assert sorted(validation_sizes) == ["1", "2", "3"]


def test_compare_shows_a_cross_validation_as_one_row_with_its_deviations(cross_validation):
    folder, parent = cross_validation
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    table = compare_runs("kerasmap", metric="test_accuracy")
    assert list(table["run_id"]) == [parent.info.run_id]
    assert table["test_accuracy_std"].iloc[0] == pytest.approx(
        parent.data.metrics["std_test_accuracy"]
    )
    assert table["best_val_loss_std"].notna().all()


def test_a_parent_without_a_model_is_refused_in_one_sentence(cross_validation):
    folder, parent = cross_validation
    run_id, store = parent.info.run_id, f"tracking.uri=sqlite:///{folder}/mlflow.db"
    message = (
        rf"expected a run that logged its model: run {run_id} is a cross-validation's parent "
        r"that logged none \(trained with tracking.log_model=false, or before a parent logged "
        r"the average of its fold models; train it again, or use one of its fold runs\)\. "
        rf"Received: RUN={run_id}$"
    )
    with pytest.raises(ConfigError, match=message):
        evaluate.evaluate_run(run_id, [store])
    with pytest.raises(ConfigError, match=message):
        promote.promote(run_id, ["name=homes", store])


def test_repeats_train_one_child_per_seed_under_one_parent(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="kerasmap.cross_validation"):
        train_in_process(tmp_path, *TINY_MOONS, "trainer.repeats=2", "tracking.log_model=false")
    assert "Training repeat 1/2." in caplog.messages
    assert "Training repeat 2/2." in caplog.messages
    runs = mlflow.search_runs(experiment_names=["kerasmap"])
    members = runs[runs[f"tags.{ROLE_TAG}"] == "member"].sort_values("tags.kerasmap.repeat")
    assert list(members["params.seed"]) == ["42", "43"]
    assert list(members["tags.mlflow.runName"]) == ["mlp-moons repeat=1/2", "mlp-moons repeat=2/2"]
    parent = runs[runs[f"tags.{ROLE_TAG}"] == "parent"].iloc[0]
    assert parent["metrics.test_accuracy"] == pytest.approx(members["metrics.test_accuracy"].mean())
    assert parent["metrics.std_test_accuracy"] == pytest.approx(
        members["metrics.test_accuracy"].std(ddof=0)
    )


def test_the_linear_baseline_trains_on_a_table_and_on_texts_and_labels_raw_inputs(
    own_runs, tmp_path
):
    folder = new_store(tmp_path)
    table = write_table(folder / "homes.csv")
    steps = ["model=linear", "trainer.max_steps=40", "trainer.epochs=4"]
    on_table = train_in_process(
        folder, "data=table", f"data.path={table}", "data.target=band", "data.drop=[price]", *steps
    )
    assert on_table.data.params["model.name"] == "linear"
    model = mlflow.pyfunc.load_model(f"runs:/{on_table.info.run_id}/model")
    assert set(model.predict(pd.read_csv(table).head(3))["label"]) <= {"high", "low"}
    assert on_table.info.run_id in set(compare_runs("kerasmap", metric="test_accuracy")["run_id"])
    _, runs = use(own_runs)  # the shared text-folder run is the linear model on a bag of words
    on_texts = mlflow.pyfunc.load_model(f"runs:/{runs['texts'].info.run_id}/model")
    assert runs["texts"].data.params["model.name"] == "linear"
    assert set(on_texts.predict(pd.DataFrame({"text": ["bread soup"]}))["label"]) <= {
        "food",
        "sport",
    }
