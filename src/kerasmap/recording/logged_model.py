"""The trained model in MLflow: logged as a Logged Model of the run, and loaded back safely."""

import contextlib
import json
import logging
import tempfile
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import keras
import mlflow
from mlflow.models import infer_signature

from kerasmap.reports.model_reference import MODEL_NAME


def log_model(model: keras.Model, bundle) -> str:
    """Logs the model of the active run as a pyfunc model that takes raw inputs.

    `kerasmap/serving/pyfunc_model.py` is logged with it (MLflow's models from code) with two
    artifacts: the Keras model and `model_info.json` (what it reads, its task, its class
    names). Loaded with `mlflow.pyfunc.load_model`, from `runs:/<run id>/model` or
    `models:/<model id>` in any process with Keras, TensorFlow, pandas and MLflow, it takes
    inputs as the data holds them (a table's rows, texts, pixels, features, token ids) and
    returns the label, its probability and each class's (or the prediction, for
    regression). Before logging, the saved model is loaded back and must predict the same.

    Returns:
        The logged model's id.
    """
    with model_saved_meanwhile(model, bundle) as log:
        return log()


@contextlib.contextmanager
def model_saved_meanwhile(model: keras.Model, bundle) -> Iterator[Callable[[], str]]:
    """Saves and checks the model in a worker thread while the caller goes on.

    What `log_model` does, in two halves: saving the model, loading it back with
    `safe_mode` and comparing its predictions run in a worker thread from the start; the
    yielded function waits for them and logs the model in the caller's thread, where
    MLflow's active run is, so metrics the caller logged before are linked to the logged
    model as they would be after `log_model`. Only the caller's thread predicts with `model`.

    Yields:
        A function that logs the saved model and returns its id; it raises what saving or
        checking raised.
    """
    from kerasmap.serving import pyfunc_model

    info = {
        "input": bundle.input_kind,
        "task": bundle.task,
        "class_names": list(bundle.class_names),
        "column_types": bundle.description.get("column_types", {}),
        "image_size": bundle.description.get("image_size"),  # what a resizing model makes
    }
    with _progress_bars_hidden():
        outputs = _served(info, model).predict(None, bundle.input_example)
    with (
        tempfile.TemporaryDirectory() as folder,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="kerasmap-model") as worker,
    ):
        keras_file, info_file = Path(folder) / "model.keras", Path(folder) / pyfunc_model.INFO_FILE
        info_file.write_text(json.dumps(info, indent=2))
        saving = worker.submit(_save_and_check, model, keras_file, info, bundle, outputs)

        def log() -> str:
            saving.result()
            with _progress_bars_hidden(), warnings.catch_warnings():
                # MLflow hints that integer columns refuse missing cells: the signature keeps
                # the file's own types on purpose, so rows as they appear in the file fit it.
                warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer")
                signature = infer_signature(bundle.input_example, outputs)
                if bundle.input_kind == "image" and model.input_shape[1] is None:
                    signature = _any_image_size(signature)
                logged = mlflow.pyfunc.log_model(
                    name=MODEL_NAME,
                    python_model=pyfunc_model.__file__,
                    artifacts={"keras_model": str(keras_file), "model_info": str(info_file)},
                    signature=signature,
                    input_example=bundle.input_example,
                    pip_requirements=_requirements(),
                    metadata={"class_names": info["class_names"], "task": bundle.task},
                )
            return logged.model_id

        yield log


def _save_and_check(model: keras.Model, keras_file: Path, info: dict, bundle, outputs) -> None:
    """Saves `model`, loads it back with `safe_mode` and requires the same `outputs`."""
    model.save(keras_file)
    reloaded = keras.saving.load_model(keras_file, safe_mode=True)
    _require_same_outputs(outputs, _served(info, reloaded).predict(None, bundle.input_example))


def _any_image_size(signature):
    """The signature of a model that resizes what it reads: images of any height and width."""
    from mlflow.types import Schema, TensorSpec

    (spec,) = signature.inputs.inputs
    shape = (-1, -1, -1, spec.shape[-1])
    signature.inputs = Schema([TensorSpec(spec.type, shape, spec.name)])
    return signature


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
    The Keras model inside the logged pyfunc model is returned; it takes raw inputs.

    Args:
        model_uri: `runs:/<run id>/model`, `models:/<model id>` or any MLflow model URI.

    Raises:
        ValueError: If the model holds code that `safe_mode` refuses to run.
    """
    flavors = mlflow.models.get_model_info(model_uri).flavors
    if "keras" in flavors:  # logged before every model became a pyfunc model of raw inputs
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
