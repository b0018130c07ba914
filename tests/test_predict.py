"""`make predict`: a logged model labels a table, images, texts and a test split, as CSV."""

import hashlib
import re
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from kerasmap.recording.prediction_run import PREDICTION_OF_TAG
from kerasmap.reports.predict import main as predict

from own_files import write_table
from pipeline_helpers import artifact_paths, new_store, store_overrides


def run_predict(capsys, folder, run, *options: str) -> tuple[int, str, str]:
    try:
        status = predict([run.info.run_id, *options, *store_overrides(folder)[:1]])
    except SystemExit as stopped:  # how a user's mistake ends the command
        status = stopped.code
    printed = capsys.readouterr()
    return status, printed.out, printed.err


def printed_metric(out: str, name: str) -> float:
    line = next(line for line in out.splitlines() if line.startswith(f"{name} "))
    return float(line.split()[-1])


def test_a_table_is_labelled_row_by_row_with_its_columns_carried_through(
    own_runs, capsys, tmp_path
):
    folder, run = own_runs.folder, own_runs.runs["classification"]
    output = tmp_path / "scored.csv"
    status, out, _ = run_predict(
        capsys, folder, run, f"input={folder / 'homes.csv'}", f"output={output}"
    )
    assert status == 0 and f"Wrote 240 predictions of runs:/{run.info.run_id}/model" in out
    table, scored = pd.read_csv(folder / "homes.csv"), pd.read_csv(output)
    assert list(scored["id"]) == list(range(len(table)))
    pd.testing.assert_series_equal(scored["price"], table["price"])  # not read by the model
    assert set(scored["label"]) <= {"high", "low"}
    np.testing.assert_allclose(scored[["probability_high", "probability_low"]].sum(axis=1), 1, 1e-5)
    assert printed_metric(out, "accuracy") == pytest.approx(
        (scored["label"] == table["band"]).mean(), abs=1e-4
    )


def test_a_parquet_table_read_in_small_batches_predicts_the_same(own_runs, capsys, tmp_path):
    folder, run = own_runs.folder, own_runs.runs["classification"]
    parquet = write_table(tmp_path / "homes.parquet", pd.read_csv(folder / "homes.csv"))
    outputs = [tmp_path / "whole.csv", tmp_path / "batched.csv"]
    run_predict(capsys, folder, run, f"input={folder / 'homes.csv'}", f"output={outputs[0]}")
    run_predict(capsys, folder, run, f"input={parquet}", f"output={outputs[1]}", "batch_size=7")
    whole, batched = (pd.read_csv(output) for output in outputs)
    pd.testing.assert_frame_equal(whole, batched, atol=1e-5)


def test_a_regression_table_gets_values_and_regression_metrics(own_runs, capsys, tmp_path):
    folder, run = own_runs.folder, own_runs.runs["regression"]
    output = tmp_path / "prices.csv"
    status, out, _ = run_predict(capsys, folder, run, "input=test", f"output={output}")
    assert status == 0
    assert {"id", "true_value", "prediction"} <= set(pd.read_csv(output).columns)
    assert printed_metric(out, "mse") == pytest.approx(run.data.metrics["test_mse"], rel=1e-3)
    assert printed_metric(out, "r2") == pytest.approx(run.data.metrics["test_r2"], abs=1e-3)


def test_an_image_folder_is_labelled_by_file_name_with_class_folders_as_truth(
    own_runs, capsys, tmp_path
):
    folder, run = own_runs.folder, own_runs.runs["images"]
    output = tmp_path / "images.csv"
    status, out, _ = run_predict(
        capsys, folder, run, f"input={folder / 'images'}", f"output={output}"
    )
    scored = pd.read_csv(output)
    assert status == 0 and len(scored) == 24
    assert scored["id"].iloc[0] == "dark/0.png" and set(scored["true_label"]) == {"dark", "light"}
    assert set(scored["label"]) <= {"dark", "light"}
    assert "accuracy" in out
    one = folder / "images" / "light" / "3.png"  # one file of any size
    run_predict(capsys, folder, run, f"input={one}", f"output={output}")
    assert list(pd.read_csv(output)["id"]) == ["3.png"]


def test_a_text_file_is_one_document_per_line(own_runs, capsys, tmp_path, monkeypatch):
    folder, run = own_runs.folder, own_runs.runs["texts"]
    monkeypatch.chdir(tmp_path)
    Path("new.txt").write_text("goal match team score\n\nbread cheese soup\n", encoding="utf-8")
    status, out, _ = run_predict(capsys, folder, run, "input=new.txt")
    output = Path(f"outputs/predictions/new-{run.info.run_id[:8]}.csv")  # the default
    assert status == 0 and f"to {output}" in out
    scored = pd.read_csv(output)
    assert list(scored["id"]) == ["line 1", "line 3"]
    assert set(scored["label"]) <= {"food", "sport"}


def test_a_built_in_test_split_is_predicted_with_its_test_accuracy(family_runs, capsys, tmp_path):
    run = family_runs.runs["mlp"]
    output = tmp_path / "test.csv"
    status, out, _ = run_predict(capsys, family_runs.folder, run, "input=test", f"output={output}")
    assert status == 0 and len(pd.read_csv(output)) == 60
    assert printed_metric(out, "accuracy") == pytest.approx(
        run.data.metrics["test_accuracy"], abs=1e-4
    )


def test_log_true_records_the_prediction_with_the_inputs_fingerprint(own_runs, capsys, tmp_path):
    folder, run = own_runs.folder, own_runs.runs["classification"]
    table = folder / "homes.csv"
    run_predict(capsys, folder, run, f"input={table}", f"output={tmp_path / 'p.csv'}", "log=true")
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    (recorded,) = mlflow.search_runs(
        filter_string=f"tags.`{PREDICTION_OF_TAG}` = '{run.info.run_id}'",
        search_all_experiments=True,
        output_format="list",
    )
    params = recorded.data.params
    assert params["input_fingerprint"] == hashlib.sha256(table.read_bytes()).hexdigest()
    assert params["rows"] == "240" and recorded.info.status == "FINISHED"
    assert 0 < recorded.data.metrics["accuracy"] <= 1
    assert "predictions/p.csv" in artifact_paths(recorded.info.run_id)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "Received no value for `INPUT`"),
        (["input=missing.csv"], "`INPUT`: file not found"),
        (["input={folder}/images"], "`INPUT`: it is a directory"),
        (["input={bad}"], r"`INPUT` \(Column `rooms` holds 'many' at index 199"),
        (["input={partial}"], "it lacks the columns rooms, member"),
        (["input={folder}/homes.csv", "batch_size=0"], "`batch_size`"),
        (["input={folder}/homes.csv", "log=maybe"], "`log`, expected true or false"),
    ],
)
def test_a_mistake_is_one_sentence_and_writes_nothing(own_runs, capsys, tmp_path, options, message):
    folder, run = own_runs.folder, own_runs.runs["classification"]
    table = pd.read_csv(folder / "homes.csv")
    bad = table.astype({"rooms": object})
    bad.loc[199, "rooms"] = "many"  # in the fourth batch of 50: earlier batches were written
    paths = {
        "folder": folder,
        "bad": write_table(tmp_path / "bad.csv", bad),
        "partial": write_table(tmp_path / "partial.csv", table[["age", "city"]]),
    }
    options = [option.format(**paths) for option in options]
    output = tmp_path / "out" / "p.csv"
    status, _, err = run_predict(capsys, folder, run, "batch_size=50", *options, f"output={output}")
    assert status == 2 and err.startswith("Error: ") and err.count("\n") == 1, err
    assert re.search(message, err), err
    assert not output.parent.exists() or not any(output.parent.iterdir())  # no partial CSV


def test_a_model_logged_before_models_took_raw_inputs_is_refused_in_one_sentence(tmp_path, capsys):
    import keras

    folder = new_store(tmp_path)
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with mlflow.start_run() as run:  # how kerasmap logged models before: the Keras flavor
        mlflow.keras.log_model(model, name="model", pip_requirements=[])
    capsys.readouterr()  # MLflow's warning about the missing signature
    status, _, err = run_predict(capsys, folder, run, "input=test")
    assert status == 2 and err.count("\n") == 1
    assert "logged by an older kerasmap as a bare Keras model" in err
    assert f"make rerun RUN={run.info.run_id}" in err
