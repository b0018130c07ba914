"""Connect to an MLflow store and find (or create) the run's experiment."""

from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException


def artifact_location(artifact_root: str) -> str:
    """Returns `artifact_root` as a URI; a plain path is taken relative to the working folder."""
    if "://" in artifact_root:
        return artifact_root
    return Path(artifact_root).resolve().as_uri()


def open_experiment(uri: str, experiment: str, artifact_root: str) -> str:
    """Points MLflow at `uri` and returns the id of `experiment`, creating it if needed.

    Args:
        uri: Tracking URI, e.g. `sqlite:///mlflow.db` or `http://127.0.0.1:5000`.
        experiment: Experiment name.
        artifact_root: Where a new experiment keeps its artifacts (folder or URI).

    Returns:
        The experiment id.
    """
    mlflow.set_tracking_uri(uri)
    found = mlflow.get_experiment_by_name(experiment)
    if found is not None:
        return found.experiment_id
    try:
        return mlflow.create_experiment(
            experiment, artifact_location=artifact_location(artifact_root)
        )
    except MlflowException:
        # Another process created it between our lookup and our create.
        return mlflow.get_experiment_by_name(experiment).experiment_id
