"""Schema of the `tracking` config group: where MLflow records runs."""

import re
from dataclasses import dataclass

from omegaconf import MISSING

from kerasmap.config import checks

# Letters, digits, '_', '.' and '-': a name that `models:/<name>@<alias>` and MLflow's
# search filters take as it is (MLflow itself refuses only '/' and ':').
REGISTERED_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass
class TrackingConfig:
    """MLflow store, artifact folder and experiment name (defaults: `conf/tracking/mlflow.yaml`)."""

    uri: str = MISSING
    artifact_root: str = MISSING
    experiment: str = MISSING
    run_name: str | None = MISSING
    log_model: bool = MISSING
    register: str | None = MISSING
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
        if self.register is not None:
            require_model_name("tracking.register", self.register)
            checks.require(
                self.log_model,
                "tracking.log_model",
                self.log_model,
                f"true when tracking.register={self.register!r} (only a logged model registers)",
            )


def require_model_name(key: str, name: object) -> None:
    """Requires a registered model name of letters, digits, '_', '.' and '-'."""
    checks.require(
        isinstance(name, str) and REGISTERED_MODEL_NAME.fullmatch(name) is not None,
        key,
        name,
        "a registered model name of letters, digits, '_', '.' and '-', starting with a "
        "letter or digit",
    )
