"""`make export`: a logged model in another format, checked against the Keras model on the
run's input example, then logged into the run under `export/<format>/`.

The exports go into the session's fixture stores: their artifact roots are absolute paths
inside those stores, so a copied database would still log into the same folders. Logging an
export only adds files under a run's `export/`, which no other test reads.
"""

import json
import re
from pathlib import Path

import mlflow
import numpy as np
import onnxruntime
import pytest

from kerasmap.reports.export import main

from pipeline_helpers import artifact_paths

PARITY = r"Parity: largest difference \d\.\de[-+]\d\d <= tolerance {} on 5 examples\.\n"
# A model trained in mixed precision (`trainer.precision=auto` makes the CNN one on a CPU with
# bfloat16 units) is exported as float32 and checked at half precision's tolerance.
TOLERANCES = {"float32": r"1\.0e-04", "mixed_bfloat16": r"1\.0e-02", "mixed_float16": r"1\.0e-02"}


def stored_run(runs, name: str | None = None) -> tuple[str, str]:
    """`(run id, tracking.uri=...)` of a session fixture's run (`cli_run` has only one)."""
    run_id = runs.run_id if name is None else runs.runs[name].info.run_id
    return run_id, f"tracking.uri=sqlite:///{runs.folder}/mlflow.db"


def exported_files(run_id: str, store: str, export_format: str) -> set[str]:
    mlflow.set_tracking_uri(store.partition("=")[2])
    return artifact_paths(run_id, f"export/{export_format}")


def user_error(capsys, arguments: list[str]) -> str:
    """The one line a mistake prints, after checking that it exits with status 2."""
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    return line


@pytest.mark.parametrize(
    ("fixture", "name", "export_format", "written"),
    [
        # Any-size images through `Resizing`, which once left the dropout on in the export.
        ("own_runs", "images", "saved_model", "saved_model.pb"),
        ("family_runs", "mlp", "onnx", "model.onnx"),  # Keras's own ONNX export
        ("cli_run", None, "onnx", "model.onnx"),  # features `Normalization`: tf2onnx directly
        ("family_runs", "cnn", "tflite", "model.tflite"),
    ],
)
def test_each_format_is_exported_and_logged_after_its_parity_check(
    request, capsys, fixture, name, export_format, written
):
    run_id, store = stored_run(request.getfixturevalue(fixture), name)
    assert main([run_id, f"format={export_format}", store]) == 0
    printed = capsys.readouterr().out
    precision = mlflow.get_run(run_id).data.tags["precision_policy"]
    assert re.search(PARITY.format(TOLERANCES[precision]), printed), printed
    assert f"export/{export_format}/{written}" in printed
    logged = exported_files(run_id, store, export_format)
    assert {
        f"export/{export_format}/{written}",
        f"export/{export_format}/model_info.json",
    } <= logged


def test_the_exported_onnx_model_predicts_what_the_logged_model_predicts(family_runs, capsys):
    run_id, store = stored_run(family_runs, "mlp")
    assert main([run_id, "format=onnx", store]) == 0
    mlflow.set_tracking_uri(f"sqlite:///{family_runs.folder}/mlflow.db")
    folder = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="export/onnx"))
    pixels = np.load(family_runs.folder / "mnist.npz")["x_test"][:20, ..., None]  # raw uint8
    session = onnxruntime.InferenceSession(folder / "model.onnx")
    (probabilities,) = session.run(None, {"image": pixels.astype(np.float32)})
    logged = mlflow.pyfunc.load_model(f"runs:/{run_id}/model").predict(pixels)
    info = json.loads((folder / "model_info.json").read_text())
    columns = [f"probability_{name}" for name in info["class_names"]]
    np.testing.assert_allclose(probabilities, logged[columns], atol=1e-5)


def test_an_export_beyond_its_tolerance_fails_and_logs_nothing(family_runs, capsys):
    run_id, store = stored_run(family_runs, "lstm")  # its largest difference is about 2e-7
    line = user_error(capsys, [run_id, "format=onnx", "tolerance=0", store])
    assert re.fullmatch(
        r"Error: The onnx export predicts differently from the Keras model: largest difference "
        r"\d\.\de-\d\d > tolerance 0\.0e\+00 on 5 examples\.",
        line,
    )
    assert not exported_files(run_id, store, "onnx")


REFUSALS = {  # (fixture, run, format): how the error goes on after "`FORMAT`, "
    ("own_runs", "texts", "onnx"): "expected saved_model for this linear model: its "
    "TextVectorization layers cannot go to onnx, as ONNX has no operators to split strings",
    ("own_runs", "classification", "tflite"): "expected saved_model for this tabular model: its "
    "TextVectorization layers cannot go to tflite",
    ("family_runs", "lstm", "tflite"): "expected saved_model or onnx for this lstm model: its "
    "RNN layers cannot go to tflite",
}


@pytest.mark.parametrize(("fixture", "name", "export_format"), list(REFUSALS))
def test_a_format_that_cannot_hold_the_model_is_refused_before_exporting(
    request, capsys, fixture, name, export_format
):
    run_id, store = stored_run(request.getfixturevalue(fixture), name)
    line = user_error(capsys, [run_id, f"format={export_format}", store])
    message = REFUSALS[fixture, name, export_format]
    assert line.startswith(f"Error: Received an invalid value for `FORMAT`, {message}")
    assert line.endswith(f"Received: FORMAT={export_format}")
    assert not exported_files(run_id, store, export_format)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("format=zip", "`FORMAT`, expected one of saved_model, onnx, tflite. Received: FORMAT=zip"),
        ("format=", "`FORMAT`, expected one of saved_model, onnx, tflite. Received: FORMAT="),
        ("tolerance=-1", "`tolerance`, expected a number >= 0"),
    ],
)
def test_an_invalid_option_is_one_line_and_exit_status_2(cli_run, capsys, option, message):
    run_id, store = stored_run(cli_run)
    line = user_error(capsys, [run_id, "format=onnx", option, store])
    assert line.startswith(f"Error: Received an invalid value for {message}")


def columns_with_spaces_model():
    """A table model whose columns have names TensorFlow refuses as op names."""
    import keras

    inputs = {name: keras.Input((1,), name=name) for name in ("mean radius", "area error")}
    scaled = [
        keras.layers.Normalization(mean=1.0, variance=4.0)(tensor) for tensor in inputs.values()
    ]
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Concatenate()(scaled))
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("export_format", ["saved_model", "onnx", "tflite"])
def test_columns_named_with_spaces_export_under_names_with_underscores(tmp_path, export_format):
    from kerasmap.serving.export import export_model, exported_input_names
    from kerasmap.serving.parity import check_parity

    model = columns_with_spaces_model()
    assert exported_input_names(model) == {"mean radius": "mean_radius", "area error": "area_error"}
    inputs = {name: np.array([[0.5], [3.0]], "float32") for name in model.input}
    written = export_model(model, export_format, tmp_path)
    assert check_parity(model, written, export_format, inputs, tolerance=1e-5) < 1e-5
