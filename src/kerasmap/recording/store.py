"""Connect to an MLflow store and find (or create) the run's experiment."""

from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException


def artifact_location(artifact_root: str, tracking_uri: str) -> str | None:
    """Returns `artifact_root` as a URI; a plain path is taken relative to the working folder.

    For a tracking server (`http(s)://`) a plain path gives `None`: the server's own
    artifact store, which it proxies for every client, instead of a folder on this machine
    that the server's other clients cannot read.
    """
    if "://" in artifact_root:
        return artifact_root
    if tracking_uri.startswith(("http://", "https://")):
        return None
    return Path(artifact_root).resolve().as_uri()


def open_experiment(uri: str, experiment: str, artifact_root: str) -> str:
    """Points MLflow at `uri` and returns the id of `experiment`, creating it if needed.

    Args:
        uri: Tracking URI, e.g. `sqlite:///mlflow.db` or `http://127.0.0.1:5000`.
        experiment: Experiment name.
        artifact_root: Where a new experiment keeps its artifacts (folder or URI); a folder
            is not used with a tracking server, which keeps artifacts in its own store.

    Returns:
        The experiment id.
    """
    mlflow.set_tracking_uri(uri)
    found = mlflow.get_experiment_by_name(experiment)
    if found is not None:
        return found.experiment_id
    try:
        return mlflow.create_experiment(
            experiment, artifact_location=artifact_location(artifact_root, uri)
        )
    except MlflowException:
        # Another process created it between our lookup and our create.
        return mlflow.get_experiment_by_name(experiment).experiment_id
