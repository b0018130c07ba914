"""Loading a logged model never runs code from the file (Keras `safe_mode`)."""

import keras
import mlflow
import numpy as np
import pytest

from kerasmap.tracking.lifecycle import tracked_run
from kerasmap.tracking.run_record import log_keras_model
from kerasmap.tracking.store import open_experiment


def test_a_model_that_would_run_arbitrary_code_is_refused(tmp_path):
    experiment = open_experiment(f"sqlite:///{tmp_path}/mlflow.db", "safety", str(tmp_path))
    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)  # arbitrary Python in the file
    model = keras.Model(inputs, keras.layers.Dense(1)(outputs))
    with tracked_run(experiment) as run:
        log_keras_model(model, np.zeros((2, 2), "float32"))
    with pytest.raises(ValueError, match="safe_mode"):
        mlflow.keras.load_model(
            f"runs:/{run.info.run_id}/model", load_model_kwargs={"safe_mode": True}
        )
    with pytest.raises(ValueError, match="safe_mode"):
        mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    mlflow.set_tracking_uri(None)
