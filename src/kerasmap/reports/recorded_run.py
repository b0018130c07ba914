"""A finished run as it was recorded: its overrides, resolved config, tags and metrics."""

from dataclasses import dataclass

import mlflow
import yaml
from mlflow.exceptions import MlflowException

from kerasmap.errors import ConfigError


@dataclass(frozen=True)
class RecordedRun:
    """What a finished run recorded that a rerun needs.

    Args:
        run_id: The MLflow run id.
        overrides: The overrides it was composed with (`config/overrides.txt`).
        config: Its resolved config (`config/config.yaml`), secrets shown as `***`.
        tags: Its tags: git commit and dirty flag, package versions, data fingerprint.
        metrics: Each metric's values by step (the epoch; 0 for final metrics).
    """

    run_id: str
    overrides: list[str]
    config: dict
    tags: dict[str, str]
    metrics: dict[str, dict[int, float]]

    @property
    def description(self) -> str:
        """The run for a message, e.g. `run_id='3f2a…' (commit 1f2e…)`."""
        return f"run_id={self.run_id!r} (commit {self.tags.get('git_commit', 'unknown')})"


def load_recorded_run(run_id: str) -> RecordedRun:
    """Reads `run_id` from the tracking URI MLflow is set to.

    Raises:
        ConfigError: If the store has no kerasmap run with that id.
    """
    try:
        run = mlflow.MlflowClient().get_run(run_id)
        config = mlflow.artifacts.load_text(f"runs:/{run_id}/config/config.yaml")
        overrides = mlflow.artifacts.load_text(f"runs:/{run_id}/config/overrides.txt")
    except MlflowException as error:
        raise ConfigError(
            f"Received an invalid value for `run_id`: no kerasmap run with that id in "
            f"{mlflow.get_tracking_uri()}. Received: run_id={run_id!r}"
        ) from error
    return RecordedRun(
        run_id=run_id,
        overrides=[line for line in overrides.splitlines() if line.strip()],
        config=yaml.safe_load(config),
        tags=dict(run.data.tags),
        metrics=metric_histories(run_id),
    )


def metric_histories(run_id: str) -> dict[str, dict[int, float]]:
    """Every metric of a run as `{name: {step: value}}`."""
    client = mlflow.MlflowClient()
    return {
        name: {point.step: point.value for point in client.get_metric_history(run_id, name)}
        for name in client.get_run(run_id).data.metrics
    }
