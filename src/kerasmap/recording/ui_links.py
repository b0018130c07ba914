"""Addresses of runs and experiments in the MLflow UI, as `make ui` serves it."""

from kerasmap.recording.secrets import redact_text

LOCAL_UI = "http://127.0.0.1:5000"  # `make ui` (UI_PORT=5000) over a local store
# MLflow 3 opens an experiment on its GenAI traces view unless told the kind of work.
TRAINING_VIEW = "workflowType=machine_learning"


def ui_address(tracking_uri: str, local_ui: str = LOCAL_UI) -> str:
    """The UI of a tracking server, or `local_ui` for a local store (SQLite, a database)."""
    if tracking_uri.startswith(("http://", "https://")):
        return redact_text(tracking_uri).rstrip("/")
    return local_ui


def experiment_url(tracking_uri: str, experiment_id: str, local_ui: str = LOCAL_UI) -> str:
    """The runs table of an experiment."""
    address = ui_address(tracking_uri, local_ui)
    return f"{address}/#/experiments/{experiment_id}/runs?{TRAINING_VIEW}"


def run_url(tracking_uri: str, experiment_id: str, run_id: str, local_ui: str = LOCAL_UI) -> str:
    """The page of one run."""
    address = ui_address(tracking_uri, local_ui)
    return f"{address}/#/experiments/{experiment_id}/runs/{run_id}?{TRAINING_VIEW}"
