"""Registered models in MLflow's model registry, which lives in the tracking store.

A run's logged model becomes a numbered version of a registered model; the alias
`@champion` marks the version to use, so `models:/<name>@champion` loads it.
"""

import logging

import mlflow
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from kerasmap.reports.model_reference import MODEL_NAME

log = logging.getLogger(__name__)
CHAMPION = "champion"


def register_logged_model(model_id: str, name: str) -> ModelVersion:
    """Registers a logged model as a new version of `name`, created if needed.

    Args:
        model_id: The logged model's id, as `log_model` returns it.
        name: The registered model's name.

    Returns:
        The new version; its `run_id` is the run that logged the model.
    """
    version = mlflow.register_model(f"models:/{model_id}", name)
    log.info("Registered the model as models:/%s/%s", name, version.version)
    return version


def version_of_run(name: str, run_id: str) -> ModelVersion | None:
    """The newest version of `name` that holds the model of `run_id`, or `None`."""
    versions = mlflow.MlflowClient().search_model_versions(
        f"name = '{name}' and run_id = '{run_id}'"
    )
    return max(versions, key=lambda version: int(version.version), default=None)


def logged_model_id(run_id: str) -> str | None:
    """The id of the model `run_id` logged (`runs:/<run id>/model`), or `None`."""
    experiment_id = mlflow.MlflowClient().get_run(run_id).info.experiment_id
    models = mlflow.search_logged_models(
        experiment_ids=[experiment_id],
        filter_string=f"source_run_id = '{run_id}' and name = '{MODEL_NAME}'",
        output_format="list",
    )
    return models[0].model_id if models else None


def champion_of(name: str) -> ModelVersion | None:
    """The version `models:/<name>@champion` points at, or `None` when there is none yet."""
    client = mlflow.MlflowClient()
    try:
        registered = client.get_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        return None
    version = registered.aliases.get(CHAMPION)
    return client.get_model_version(name, version) if version else None
