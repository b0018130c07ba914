"""Schema of the `tracking` config group: where MLflow records runs."""

from dataclasses import dataclass

from kerasmap.config import checks


@dataclass
class TrackingConfig:
    """MLflow store, artifact folder and experiment name."""

    uri: str = "sqlite:///mlflow.db"
    artifact_root: str = "mlruns"
    experiment: str = "kerasmap"
    run_name: str | None = None
    log_model: bool = True
    required: bool = True

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
