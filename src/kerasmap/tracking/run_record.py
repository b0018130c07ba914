"""What a run records before and after fitting: tags, params, config, summary, the model."""

import io
import tempfile
from pathlib import Path

import keras
import mlflow
import numpy as np
import pandas as pd
import yaml
from mlflow.models import infer_signature

from kerasmap.data.bundle import DatasetBundle
from kerasmap.tracking.provenance import git_state, package_versions
from kerasmap.tracking.results import log_results  # noqa: F401  (one import for the entry point)
from kerasmap.tracking.secrets import redact_config, redact_override
from kerasmap.training.precision import describe_device


def run_tags(bundle: DatasetBundle, precision: str) -> dict[str, str]:
    """Tags set when the run starts: code version, packages, device, policy, data."""
    return {
        **git_state(),
        **package_versions(),
        "keras_backend": keras.backend.backend(),
        "precision_policy": precision,
        "device": describe_device(),
        "dataset_fingerprint": bundle.fingerprint,
        "task": bundle.task,
    }


def flatten_params(config: dict) -> dict[str, str]:
    """Flattens a nested config into dotted keys (`model.dropout`) with string values."""
    flat = pd.json_normalize(config, sep=".").iloc[0].to_dict()
    return {key: str(value) for key, value in flat.items()}


def log_config(config: dict, overrides: list[str]) -> None:
    """Logs every resolved config value as a param, plus the config and overrides as files.

    Credentials never reach the store: values of secret-named keys are hidden and
    passwords inside URIs (`http://user:password@host`) are masked.
    """
    config = redact_config(config)
    mlflow.log_params(flatten_params(config))
    mlflow.log_text(yaml.safe_dump(config, sort_keys=False), "config/config.yaml")
    mlflow.log_text(
        "\n".join(redact_override(override) for override in overrides) + "\n",
        "config/overrides.txt",
    )


def log_model_summary(model: keras.Model) -> None:
    """Logs Keras's `model.summary()` as `model_summary.txt`."""
    buffer = io.StringIO()
    model.summary(print_fn=lambda line, **_: buffer.write(line + "\n"))
    mlflow.log_text(buffer.getvalue(), "model_summary.txt")


def log_weights_if_finite(model: keras.Model, artifact_file: str) -> bool:
    """Logs the model's weights (`.weights.h5`) when none is NaN or infinite.

    After a divergence, early stopping has restored the best epoch's weights when any
    epoch ended with a finite validation loss; those are worth keeping.

    Returns:
        Whether the weights were finite and logged.
    """
    if not all(np.isfinite(weights).all() for weights in model.get_weights()):
        return False
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(artifact_file).name
        model.save_weights(path)
        mlflow.log_artifact(str(path), artifact_path=str(Path(artifact_file).parent))
    return True


def log_keras_model(model: keras.Model, input_example: np.ndarray) -> None:
    """Logs the model as `model/`, with its signature and input example.

    The logged folder loads with `mlflow.pyfunc.load_model("runs:/<id>/model")` or
    `mlflow.keras.load_model`. It is saved first and then logged, because
    `mlflow.keras.log_model` (MLflow 3.17) writes the input example before it creates
    the model folder and fails.
    """
    signature = infer_signature(input_example, model.predict(input_example, verbose=0))
    with tempfile.TemporaryDirectory() as folder:
        mlflow.keras.save_model(
            model,
            folder,
            signature=signature,
            input_example=input_example,
            pip_requirements=[f"keras=={keras.__version__}", f"tensorflow=={_tf_version()}"],
        )
        mlflow.log_artifacts(folder, artifact_path="model")


def _tf_version() -> str:
    import tensorflow as tf

    return tf.__version__
