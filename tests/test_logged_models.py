"""A logged model stands alone: it loads where users load models, without kerasmap."""

import json
from types import SimpleNamespace

import keras
import mlflow
import numpy as np
import pytest

from kerasmap.recording.lifecycle import tracked_run
from kerasmap.recording.logged_model import load_logged_model, log_model
from kerasmap.recording.store import open_experiment
from kerasmap.serving import pyfunc_model

from pipeline_helpers import new_store, predict_without_kerasmap


@pytest.mark.slow
def test_every_model_loads_and_predicts_in_a_process_without_kerasmap(
    family_runs, own_runs, tmp_path
):
    family_store = f"sqlite:///{family_runs.folder}/mlflow.db"
    loads = [
        (family_store, f"runs:/{run.info.run_id}/model", "zeros", None)
        for run in family_runs.runs.values()
    ]
    own_folder, runs = own_runs.folder, own_runs.runs
    own_store = f"sqlite:///{own_folder}/mlflow.db"
    for name, kind, source in (
        ("classification", "table", str(own_folder / "homes.csv")),
        ("images", "image", str(own_folder / "images" / "dark" / "0.png")),
        ("texts", "text", ["goal team", "bread soup"]),
    ):
        loads.append((own_store, f"runs:/{runs[name].info.run_id}/model", kind, source))
    report = predict_without_kerasmap(loads, tmp_path)
    assert report["kerasmap_imported"] is False
    shapes = [report["shapes"][uri] for _, uri, _, _ in loads]
    # Label, probability and one probability per class: ten digits, two classes of own data.
    assert shapes == [[2, 12]] * 4 + [[3, 4], [1, 4], [2, 4]]


def test_a_model_that_would_run_code_is_refused_when_logged_and_when_loaded(tmp_path):
    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)  # arbitrary Python in the file
    model = keras.Model(inputs, keras.layers.Dense(1)(outputs))
    bundle = SimpleNamespace(
        input_kind="features",
        task="regression",
        class_names=(),
        description={},
        input_example=np.zeros((2, 2), "float32"),
    )
    experiment = open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "safety", str(tmp_path)
    )
    with tracked_run(experiment), pytest.raises(ValueError, match="safe_mode"):
        log_model(model, bundle)

    # The same model logged by hand, as a tampered model would be: loading refuses it.
    model.save(tmp_path / "model.keras")
    info = tmp_path / pyfunc_model.INFO_FILE
    info.write_text(json.dumps({"input": "features", "task": "regression", "class_names": []}))
    with tracked_run(experiment) as run:
        mlflow.pyfunc.log_model(
            name="model",
            python_model=pyfunc_model.__file__,
            artifacts={"keras_model": str(tmp_path / "model.keras"), "model_info": str(info)},
            pip_requirements=["keras"],  # named: MLflow's inference starts a Python for seconds
        )
    with pytest.raises(ValueError, match="safe_mode"):
        load_logged_model(f"runs:/{run.info.run_id}/model")
    with pytest.raises(ValueError, match="safe_mode"):
        mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
