"""Registered models in MLflow's model registry, which lives in the tracking store.

A run's logged model becomes a numbered version of a registered model; the alias
`@champion` marks the version to use, so `models:/<name>@champion` loads it.
"""

import logging

import mlflow
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from kerasmap.errors import ConfigError
from kerasmap.reports.model_reference import MODEL_NAME

log = logging.getLogger(__name__)
CHAMPION = "champion"
PROMOTION_TAG_PREFIX = "kerasmap.promotion."  # on a version: the last promotion decision


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


def logged_model_id(run_id: str) -> str:
    """The id of the model `run_id` logged (`runs:/<run id>/model`).

    Raises:
        ConfigError: If the run logged no model (`tracking.log_model=false`, or a
            cross-validation's parent from before parents logged their average model).
    """
    from kerasmap.cross_validation import ROLE_TAG as CV_ROLE_TAG

    run = mlflow.MlflowClient().get_run(run_id)
    models = mlflow.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run_id}' and name = '{MODEL_NAME}'",
        output_format="list",
    )
    if models:
        return models[0].model_id
    if run.data.tags.get(CV_ROLE_TAG) == "parent":
        raise ConfigError(
            f"Received an invalid value for `RUN`, expected a run that logged its model: run "
            f"{run_id} is a cross-validation's parent that logged none (trained with "
            f"tracking.log_model=false, or before a parent logged the average of its fold "
            f"models; train it again, or use one of its fold runs). Received: RUN={run_id}"
        )
    raise ConfigError(
        f"Received an invalid value for `RUN`, expected a run that logged its model "
        f"(tracking.log_model=true): run {run_id} logged none. Received: RUN={run_id}"
    )


def require_comparable(champion: ModelVersion, model_id: str) -> None:
    """Requires a candidate that takes the champion's inputs and predicts its classes.

    Only then can both be judged on the same test data.

    Raises:
        ConfigError: If the inputs (the signature), the task or the class names differ.
    """
    uri = f"models:/{champion.name}/{champion.version}"
    infos = [mlflow.models.get_model_info(each) for each in (uri, f"models:/{model_id}")]
    if infos[0].metadata != infos[1].metadata or infos[0].signature != infos[1].signature:
        raise ConfigError(
            f"Received an invalid value for `name`, expected a registered model whose "
            f"champion ({uri}) takes the same inputs and predicts the same classes as the "
            f"candidate, so both can be judged on the same test data (register the candidate "
            f"under a new name). Received: name={champion.name}"
        )


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


def record_promotion(version: ModelVersion, promoted: bool, figures: dict[str, str]) -> None:
    """Tags `version` with a promotion decision and, if promoted, points `@champion` at it.

    Args:
        version: The candidate version.
        promoted: Whether it passed the gate.
        figures: What the decision rested on, e.g. `{"metric": "test_accuracy", ...}`;
            each becomes a tag `kerasmap.promotion.<key>`.
    """
    client = mlflow.MlflowClient()
    tags = {"decision": "promoted" if promoted else "not promoted", **figures}
    for key, value in tags.items():
        client.set_model_version_tag(
            version.name, version.version, f"{PROMOTION_TAG_PREFIX}{key}", value
        )
    if promoted:
        client.set_registered_model_alias(version.name, CHAMPION, version.version)
