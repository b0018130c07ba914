"""The trained model in MLflow: logged as a Logged Model of the run, and loaded back safely."""

import contextlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

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


def log_keras_model(
    model: keras.Model, input_example: np.ndarray, class_names: tuple[str, ...] = ()
) -> str:
    """Logs the model of the active run with its signature and input example.

    The model loads with `mlflow.pyfunc.load_model` or `mlflow.keras.load_model` from
    `runs:/<run id>/model` or `models:/<model id>`, in any process with Keras and
    TensorFlow: every layer kerasmap builds is a built-in Keras layer. The class names
    travel in the model's metadata (`class_names`), in the order of its outputs.

    Returns:
        The logged model's id.
    """
    signature = infer_signature(input_example, model.predict(input_example, verbose=0))
    if input_example.ndim == 4 and model.input_shape[1] is None:  # images of any size
        signature = _any_image_size(signature)
    with _progress_bars_hidden():  # MLflow checks the input example with a `predict`
        info = Model.log(
            artifact_path=None,  # deprecated in MLflow 3 in favour of `name`, yet required
            name=MODEL_NAME,
            flavor=_KerasFlavor,
            model=model,
            signature=signature,
            input_example=input_example,
            pip_requirements=_requirements()[:2],
            metadata={"class_names": list(class_names)},
        )
    return info.model_id


def _any_image_size(signature):
    """The signature of a model that resizes what it reads: any height and width."""
    from mlflow.types import Schema, TensorSpec

    (spec,) = signature.inputs.inputs
    shape = (-1, -1, -1, spec.shape[-1])
    signature.inputs = Schema([TensorSpec(spec.type, shape, spec.name)])
    return signature


def log_raw_input_model(model: keras.Model, bundle) -> str:
    """Logs a model of a user's table or texts as a pyfunc model that reads raw inputs.

    `kerasmap/serving/pyfunc_model.py` is logged with it (MLflow's models from code) with two
    artifacts: the Keras model and `model_info.json` (what it reads, its task, its class
    names). Loaded with `mlflow.pyfunc.load_model`, it takes a DataFrame of raw rows (or of
    texts) and returns the label, its probability and each class's.

    Returns:
        The logged model's id.
    """
    from kerasmap.serving import pyfunc_model

    info = {
        "input": bundle.input_kind,
        "task": bundle.task,
        "class_names": list(bundle.class_names),
        "column_types": bundle.description.get("column_types", {}),
    }
    example = bundle.input_example
    with tempfile.TemporaryDirectory() as folder:
        keras_file, info_file = Path(folder) / "model.keras", Path(folder) / pyfunc_model.INFO_FILE
        model.save(keras_file)
        info_file.write_text(json.dumps(info, indent=2))
        with _progress_bars_hidden(), warnings.catch_warnings():
            # MLflow hints that integer columns refuse missing cells: the signature keeps
            # the file's own types on purpose, so rows as they appear in the file fit it.
            warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer")
            outputs = _served(info, model).predict(None, example)
            reloaded = keras.saving.load_model(keras_file, safe_mode=True)
            _require_same_outputs(outputs, _served(info, reloaded).predict(None, example))
            logged = mlflow.pyfunc.log_model(
                name=MODEL_NAME,
                python_model=pyfunc_model.__file__,
                artifacts={"keras_model": str(keras_file), "model_info": str(info_file)},
                signature=infer_signature(example, outputs),
                input_example=example,
                pip_requirements=_requirements(),
                metadata={"class_names": info["class_names"], "task": bundle.task},
            )
    return logged.model_id


def _served(info: dict, model: keras.Model):
    from kerasmap.serving.pyfunc_model import KerasmapModel

    served = KerasmapModel()
    served.info, served.model = info, model
    return served


def _require_same_outputs(before, after, tolerance: float = 1e-5) -> None:
    """A saved model must predict what the trained one did (Keras has had saving bugs)."""
    numbers = before.select_dtypes("number").columns
    gap = float((before[numbers] - after[numbers]).abs().to_numpy().max())
    if gap > tolerance or not before.drop(columns=numbers).equals(after.drop(columns=numbers)):
        raise RuntimeError(
            f"The saved model predicts differently from the trained one (largest difference "
            f"{gap:.3g}); this is a bug in saving, please report it."
        )


def load_logged_model(model_uri: str) -> keras.Model:
    """Loads a logged model as a Keras model, refusing files that would run code.

    Keras's `safe_mode` refuses a model holding arbitrary Python, such as a `Lambda` layer.
    A model of a user's files is logged as a pyfunc model; its Keras model is returned.

    Args:
        model_uri: `runs:/<run id>/model`, `models:/<model id>` or any MLflow model URI.

    Raises:
        ValueError: If the model holds code that `safe_mode` refuses to run.
    """
    flavors = mlflow.models.get_model_info(model_uri).flavors
    if "keras" in flavors:
        return mlflow.keras.load_model(model_uri, load_model_kwargs={"safe_mode": True})
    return mlflow.pyfunc.load_model(model_uri).unwrap_python_model().model


def _requirements() -> list[str]:
    import pandas as pd

    return [
        f"keras=={keras.__version__}",
        f"tensorflow=={_tf_version()}",
        f"mlflow=={mlflow.__version__}",
        f"pandas=={pd.__version__}",
    ]


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
