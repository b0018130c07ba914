"""Find out, before any compute, whether a remote MLflow tracking server answers."""

import logging

import requests

from kerasmap.errors import KerasmapError
from kerasmap.recording.secrets import redact_text

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_SECONDS = 5
LOCAL_FALLBACK_URI = "sqlite:///mlflow.db"


class TrackingUnavailableError(KerasmapError):
    """The configured MLflow tracking server did not answer."""


def server_answers(uri: str, timeout: float = HEALTH_TIMEOUT_SECONDS) -> bool:
    """Whether the MLflow server at an `http(s)://` URI answers its `/health` endpoint."""
    try:
        return requests.get(f"{uri.rstrip('/')}/health", timeout=timeout).ok
    except requests.RequestException:
        return False


def usable_tracking_uri(uri: str, required: bool) -> str:
    """Returns the tracking URI to record this run in.

    A local store (`sqlite:`, a database URL) is used as it is. A remote server is checked
    first, because MLflow's client retries for minutes before it gives up.

    Args:
        uri: The configured `tracking.uri`.
        required: When `False` and the server does not answer, record locally instead.

    Returns:
        `uri`, or `LOCAL_FALLBACK_URI` when the server is down and not required.

    Raises:
        TrackingUnavailableError: If the server does not answer and `required` is true.
    """
    if not uri.startswith(("http://", "https://")) or server_answers(uri):
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
