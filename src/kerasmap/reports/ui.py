"""`make ui`: the MLflow UI over the local store, opened on the runs of the experiment."""

import os
import sys
from pathlib import Path

from kerasmap.config.compose import compose_config
from kerasmap.errors import ConfigError
from kerasmap.recording.secrets import redact_text
from kerasmap.recording.ui_links import LOCAL_UI, experiment_url


def serve_ui(port: int, overrides: list[str]) -> None:
    """Prints the address of the experiment's runs, then replaces this process with `mlflow ui`.

    Args:
        port: The loopback port to serve on.
        overrides: Config overrides choosing the store (`tracking.uri`, `tracking.artifact_root`)
            and the experiment (`tracking.experiment`).

    Raises:
        ConfigError: If the store is not a local one (a tracking server has its own UI).
        StoreUnusableError: If the store cannot be created or opened.
    """
    from kerasmap.recording.store import create_store

    tracking = compose_config(overrides).tracking
    if tracking.uri.startswith(("http://", "https://")):
        raise ConfigError(
            f"Received an invalid value for `tracking.uri`, expected a local store for "
            f"`make ui` (a tracking server serves its own UI). "
            f"Received: tracking.uri={redact_text(tracking.uri)}"
        )
    # Created here, under the lock training takes, so a `make train` started beside
    # `make ui` on a fresh clone does not race `mlflow ui` to create the same store.
    create_store(tracking.uri)
    address = LOCAL_UI.rsplit(":", 1)[0] + f":{port}"
    experiment_id = _experiment_id(tracking.uri, tracking.experiment)
    if experiment_id is None:
        print(f"No runs in experiment '{tracking.experiment}' yet; the UI is at {address}")
    else:
        runs = experiment_url(tracking.uri, experiment_id, address)
        print(f"Runs of '{tracking.experiment}': {runs}")
    print("Stop the UI with Ctrl-C.", flush=True)
    # The MLflow of this Python's environment, with that environment's commands on PATH,
    # so the UI starts the same way whether or not the virtual environment is activated.
    scripts = Path(sys.executable).parent
    command = [
        str(scripts / "mlflow"),
        "ui",
        *("--backend-store-uri", tracking.uri),
        *("--default-artifact-root", tracking.artifact_root),
        *("--registry-store-uri", tracking.uri),
        *("--host", "127.0.0.1", "--port", str(port)),
    ]
    path = os.pathsep.join([str(scripts), os.environ.get("PATH", "")])
    os.execve(command[0], command, {**os.environ, "PATH": path})


def _experiment_id(tracking_uri: str, experiment: str) -> str | None:
    """The experiment's id, or `None` before its first run."""
    import mlflow

    found = mlflow.MlflowClient(tracking_uri).get_experiment_by_name(experiment)
    return found.experiment_id if found else None
