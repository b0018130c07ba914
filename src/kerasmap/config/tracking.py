"""Schema of the `tracking` config group: where MLflow records runs."""

from dataclasses import dataclass

from omegaconf import MISSING

from kerasmap.config import checks


@dataclass
class TrackingConfig:
    """MLflow store, artifact folder and experiment name (defaults: `conf/tracking/mlflow.yaml`)."""

    uri: str = MISSING
    artifact_root: str = MISSING
    experiment: str = MISSING
    run_name: str | None = MISSING
    log_model: bool = MISSING
    required: bool = MISSING

    def __post_init__(self) -> None:
        checks.require(
            self.uri.split(":", 1)[0] in ("sqlite", "http", "https", "postgresql", "mysql"),
            "tracking.uri",
            self.uri,
            "an MLflow tracking URI such as 'sqlite:///mlflow.db' or 'http://127.0.0.1:5000'",
        )
        checks.require(
            bool(self.experiment.strip()),
            "tracking.experiment",
            self.experiment,
            "a non-empty name",
        )
