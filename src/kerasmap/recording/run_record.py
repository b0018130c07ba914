"""What a run records besides its epochs and results: tags, params, config, model summary."""

import io
import tempfile
from pathlib import Path

import keras
import mlflow
import numpy as np
import pandas as pd
import tensorflow as tf
import yaml

from kerasmap.config.trainer import LRScheduleConfig
from kerasmap.data.bundle import DatasetBundle
from kerasmap.recording.provenance import git_state, package_versions
from kerasmap.recording.secrets import redact_config, redact_override
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
    """Flattens a nested config into dotted keys (`model.dropout`) with string values.

    Settings of a learning-rate schedule other than the one in use are left out: they
    change nothing, and in a comparison of runs they would look like differences.
    """
    flat = pd.json_normalize(config, sep=".").iloc[0].to_dict()
    schedule = config.get("trainer", {}).get("lr_schedule", {}).get("name")
    if schedule in LRScheduleConfig.SETTINGS:
        prefix = "trainer.lr_schedule."
        used = {f"{prefix}name", *(prefix + key for key in LRScheduleConfig.SETTINGS[schedule])}
        flat = {
            key: value for key, value in flat.items() if not key.startswith(prefix) or key in used
        }
    return {key: str(value) for key, value in flat.items()}


def log_config(config: dict, overrides: list[str], run_id: str | None = None) -> None:
    """Logs every resolved config value as a param, plus the config and overrides as files.

    Credentials never reach the store: values of secret-named keys are hidden and
    passwords inside URIs (`http://user:password@host`) are masked. `run_id` names a run
    that is not the active one (a cross-validation's parent).
    """
    config = redact_config(config)
    mlflow.log_params(flatten_params(config), run_id=run_id)
    mlflow.log_text(yaml.safe_dump(config, sort_keys=False), "config/config.yaml", run_id=run_id)
    mlflow.log_text(
        "\n".join(redact_override(override) for override in overrides) + "\n",
        "config/overrides.txt",
        run_id=run_id,
    )


def log_distribution(strategy: tf.distribute.Strategy, global_batch_size: int) -> None:
    """Logs how training is spread: `replicas` in sync and the `global_batch_size` they share.

    The learning-rate scaling rule is the `trainer.lr_scaling` param.
    """
    mlflow.log_params(
        {"replicas": strategy.num_replicas_in_sync, "global_batch_size": global_batch_size}
    )


def log_data_description(bundle: DatasetBundle) -> None:
    """Logs what was learned about a user's data (column types, task, class names)."""
    if bundle.description:
        mlflow.log_dict(bundle.description, "data/description.json")


def log_model_summary(model: keras.Model) -> None:
    """Logs Keras's `model.summary()` as `model_summary.txt`."""
    buffer = io.StringIO()
    model.summary(print_fn=lambda line, **_: buffer.write(line + "\n"))
    mlflow.log_text(buffer.getvalue(), "model_summary.txt")


def log_compilation(model: keras.Model) -> None:
    """Tags how the training step runs: `jit_compile` (XLA) and `steps_per_execution`."""
    mlflow.set_tags(
        {
            "jit_compile": str(model.jit_compile),
            "steps_per_execution": str(model.steps_per_execution),
        }
    )


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
