"""The trained model in MLflow: logged as a Logged Model of the run, and loaded back safely."""

import contextlib
import logging
import os
from collections.abc import Iterator

import keras
import mlflow
import numpy as np
from mlflow.models import Model, infer_signature

MODEL_NAME = "model"  # `runs:/<run id>/model` and the Models tab of the run's experiment


class _KerasFlavor:
    """`mlflow.keras` for `Model.log`, creating the model folder before MLflow writes into it.

    `mlflow.keras.save_model` (MLflow 3.17) writes the input example before it creates the
    model folder, so `mlflow.keras.log_model` fails when given one. `Model.log` with this
    flavor does everything `log_model` does (the MLflow 3 Logged Model entity, its link to
    the run, the signature and input example), in a folder that exists.
    """

    __name__ = "mlflow.keras"

    @staticmethod
    def save_model(path, **kwargs):
        os.makedirs(path)
        mlflow.keras.save_model(path=path, **kwargs)


def log_keras_model(model: keras.Model, input_example: np.ndarray) -> str:
    """Logs the model of the active run with its signature and input example.

    The model loads with `mlflow.pyfunc.load_model` or `mlflow.keras.load_model` from
    `runs:/<run id>/model` or `models:/<model id>`, in any process with Keras and
    TensorFlow: every layer kerasmap builds is a built-in Keras layer.

    Returns:
        The logged model's id.
    """
    signature = infer_signature(input_example, model.predict(input_example, verbose=0))
    with _progress_bars_hidden():  # MLflow checks the input example with a `predict`
        info = Model.log(
            artifact_path=None,  # deprecated in MLflow 3 in favour of `name`, yet required
            name=MODEL_NAME,
            flavor=_KerasFlavor,
            model=model,
            signature=signature,
            input_example=input_example,
            pip_requirements=[f"keras=={keras.__version__}", f"tensorflow=={_tf_version()}"],
        )
    return info.model_id


def load_logged_model(model_uri: str) -> keras.Model:
    """Loads a logged model as a Keras model, refusing files that would run code.

    Keras's `safe_mode` refuses a model holding arbitrary Python, such as a `Lambda` layer.

    Args:
        model_uri: `runs:/<run id>/model`, `models:/<model id>` or any MLflow model URI.

    Raises:
        ValueError: If the model holds code that `safe_mode` refuses to run.
    """
    return mlflow.keras.load_model(model_uri, load_model_kwargs={"safe_mode": True})


@contextlib.contextmanager
def _progress_bars_hidden() -> Iterator[None]:
    """Keras's progress bars, which go to the `absl` logger once interactive logging is off."""
    was_interactive = keras.config.is_interactive_logging_enabled()
    absl = logging.getLogger("absl")
    level = absl.level
    keras.config.disable_interactive_logging()
    absl.setLevel(logging.WARNING)
    try:
        yield
    finally:
        absl.setLevel(level)
        if was_interactive:
            keras.config.enable_interactive_logging()


def _tf_version() -> str:
    import tensorflow as tf

    return tf.__version__
