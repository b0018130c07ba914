"""What `RUN=` names: a run's logged model, or a registered model by alias or version."""

import re
from dataclasses import dataclass

import mlflow
from mlflow.exceptions import MlflowException

from kerasmap.errors import ConfigError
from kerasmap.recording.secrets import redact_text

MODEL_NAME = "model"  # `runs:/<run id>/model` and the Models tab of the run's experiment
REGISTERED = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>\d+))$")
EXPECTED = "a run id, or models:/<name>@<alias> or models:/<name>/<version> of a registered model"


@dataclass(frozen=True)
class ModelReference:
    """A model to load and the run that trained it.

    Args:
        model_uri: What `mlflow.pyfunc.load_model` takes: `runs:/<run id>/model` or the
            `models:/` URI as given.
        run_id: The run that trained the model: its config, data and metrics.
    """

    model_uri: str
    run_id: str


def resolve_model(reference: str, key: str = "RUN") -> ModelReference:
    """Resolves a run id or a `models:/` URI in the tracking store MLflow is set to.

    Args:
        reference: A run id, `models:/<name>@<alias>` or `models:/<name>/<version>`.
        key: The name the user gave it under, for the message.

    Raises:
        ConfigError: If the store has no such run, registered model, alias or version, or
            the run logged no model.
    """
    from kerasmap.recording.registry import logged_model_id  # which imports this module

    client = mlflow.MlflowClient()
    match = REGISTERED.match(reference)
    if reference.startswith("models:/") and match is None:
        raise _invalid(key, reference, "it is not of that form")
    try:
        if match is None:
            logged_model_id(reference)  # the run's, or one sentence saying it logged none
            return ModelReference(f"runs:/{reference}/{MODEL_NAME}", reference)
        name, alias, version = match["name"], match["alias"], match["version"]
        found = (
            client.get_model_version_by_alias(name, alias)
            if alias
            else client.get_model_version(name, version)
        )
    except MlflowException as error:
        what = "registered model of that name" if match else "run with that id"
        where = redact_text(mlflow.get_tracking_uri())
        raise _invalid(key, reference, f"{where} has no {what}") from error
    return ModelReference(reference, found.run_id)


def _invalid(key: str, reference: str, problem: str) -> ConfigError:
    return ConfigError(
        f"Received an invalid value for `{key}` ({problem}), expected {EXPECTED}. "
        f"Received: {key}={reference}"
    )


def require_raw_input_model(reference: ModelReference, key: str = "RUN") -> None:
    """Refuses a model logged before every model was a pyfunc model of raw inputs.

    Raises:
        ConfigError: If the model is a bare Keras model (MLflow's Keras flavor), which has
            neither its preprocessing nor its class names.
    """
    if "keras" in mlflow.models.get_model_info(reference.model_uri).flavors:
        raise ConfigError(
            f"Received an invalid value for `{key}` (its model was logged by an older "
            f"kerasmap as a bare Keras model, without its preprocessing and class names), "
            f"expected a run trained since; `make rerun RUN={reference.run_id}` trains one. "
            f"Received: {key}={reference.model_uri}"
        )
