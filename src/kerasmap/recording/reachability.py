"""Whether a remote MLflow tracking server answers: before any compute, and after a failure."""

import contextlib
import logging
import os

import requests

from kerasmap.errors import KerasmapError
from kerasmap.recording.secrets import redact_text

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_SECONDS = 5
LOCAL_FALLBACK_URI = "sqlite:///mlflow.db"
USERNAME_VARIABLE = "MLFLOW_TRACKING_USERNAME"  # MLflow's own, for a server with logins
PASSWORD_VARIABLE = "MLFLOW_TRACKING_PASSWORD"


class TrackingUnavailableError(KerasmapError):
    """The configured MLflow tracking server did not answer, or refused kerasmap's login."""


def server_answers(uri: str, timeout: float = HEALTH_TIMEOUT_SECONDS) -> bool:
    """Whether the MLflow server at an `http(s)://` URI answers its `/health` endpoint."""
    try:
        return requests.get(f"{uri.rstrip('/')}/health", timeout=timeout).ok
    except requests.RequestException:
        return False


def server_lost(uri: str) -> bool:
    """Whether `uri` is a tracking server that no longer answers (a local store never is)."""
    return uri.startswith(("http://", "https://")) and not server_answers(uri)


def lost_server_error(uri: str, run_id: str) -> TrackingUnavailableError:
    """The sentence for a server that stopped answering while `run_id` was being recorded."""
    return TrackingUnavailableError(
        f"The MLflow tracking server at `tracking.uri`={redact_text(uri)} stopped answering "
        f"while run {run_id} was recorded, so the run was not marked FINISHED; start the "
        f"server and run the same command again to continue the run from its last epoch."
    )


def raise_if_server_lost(run_id: str) -> None:
    """After a failure inside a run: if the tracking server no longer answers, says so.

    The run is ended in this process with one quick request, so MLflow does not retry for
    minutes at exit to end it as FINISHED; if that request fails, the run stays RUNNING.

    Raises:
        TrackingUnavailableError: If the active tracking URI is a server that no longer
            answers.
    """
    import mlflow
    from mlflow.exceptions import MlflowException

    uri = mlflow.get_tracking_uri()
    if not server_lost(uri):
        return
    quick = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}
    saved = {name: os.environ.get(name) for name in quick}
    os.environ.update(quick)
    try:
        with contextlib.suppress(MlflowException):
            mlflow.end_run(status="FAILED")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value
    raise lost_server_error(uri, run_id) from None


def usable_tracking_uri(uri: str, required: bool) -> str:
    """Returns the tracking URI to record this run in.

    A local store (`sqlite:`, a database URL) is used as it is. A remote server is checked
    first, because MLflow's client retries for minutes before it gives up, and so is its
    login, because a refused one would otherwise surface as a traceback.

    Args:
        uri: The configured `tracking.uri`.
        required: When `False` and the server does not answer, record locally instead.

    Returns:
        `uri`, or `LOCAL_FALLBACK_URI` when the server is down and not required.

    Raises:
        TrackingUnavailableError: If the server does not answer and `required` is true,
            or if it refuses the login given in `MLFLOW_TRACKING_USERNAME`/`_PASSWORD`.
    """
    if not uri.startswith(("http://", "https://")):
        return uri
    if server_answers(uri):
        _require_login(uri)
        return uri
    if required:
        raise TrackingUnavailableError(
            f"The MLflow tracking server at `tracking.uri`={redact_text(uri)} did not answer "
            f"within {HEALTH_TIMEOUT_SECONDS} s; start it, correct `tracking.uri`, or set "
            f"`tracking.required=false` to record this run in a local store."
        )
    log.warning(
        "The MLflow tracking server at %s did not answer; this run is recorded in %s "
        "(artifacts under tracking.artifact_root) instead.",
        redact_text(uri),
        LOCAL_FALLBACK_URI,
    )
    return LOCAL_FALLBACK_URI


def _require_login(uri: str) -> None:
    """Raises `TrackingUnavailableError` if the server refuses MLflow's credentials."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        MlflowClient(uri).search_experiments(max_results=1)
    except MlflowException as error:
        if error.error_code != "UNAUTHENTICATED":
            raise
        raise TrackingUnavailableError(
            f"The MLflow tracking server at `tracking.uri`={redact_text(uri)} refused the "
            f"login (HTTP 401); set {USERNAME_VARIABLE} and {PASSWORD_VARIABLE} to an "
            f"account on it."
        ) from None
