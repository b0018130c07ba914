"""The whole run's schema, and the checks that span config groups."""

from dataclasses import dataclass
from typing import Any

from omegaconf import MISSING

from kerasmap.config import checks
from kerasmap.config.data import DataConfig
from kerasmap.config.model import ModelConfig
from kerasmap.config.optimizer import OptimizerConfig
from kerasmap.config.registry import families_for
from kerasmap.config.tracking import TrackingConfig
from kerasmap.config.trainer import TrainerConfig
from kerasmap.errors import ConfigError
from kerasmap.tasks import TASK_METRICS


@dataclass
class KerasmapConfig:
    """One training run: data, model, optimizer, trainer, tracking and the seed."""

    data: Any = MISSING
    model: Any = MISSING
    optimizer: Any = MISSING
    trainer: TrainerConfig = MISSING
    tracking: TrackingConfig = MISSING
    seed: int = MISSING

    def __post_init__(self) -> None:
        for group, schema in (
            ("data", DataConfig),
            ("model", ModelConfig),
            ("optimizer", OptimizerConfig),
        ):
            if not isinstance(getattr(self, group), schema):
                raise ConfigError(
                    f"The `{group}` config group has no schema; "
                    f"its YAML must list a `/schema/{group}/...` default."
                )
        checks.require(self.seed >= 0, "seed", self.seed, "an integer >= 0")
        family = type(self.model).NAME
        checks.require_choice("model.name", self.model.name, (family,))
        _require_family_fits_data(self.model, self.data)
        if self.data.known_task():
            require_monitor_exists(self.trainer.monitor, self.data.known_task())


def _require_family_fits_data(model: ModelConfig, data: DataConfig) -> None:
    if data.MODALITY not in model.MODALITIES:
        fitting = ", ".join(families_for(data.MODALITY))
        raise ConfigError(
            f"Model `{model.name}` cannot take {data.MODALITY} input from `data={data.name}`; "
            f"model families that fit {data.name} are: {fitting}."
        )
    model.check_data(data)


def require_monitor_exists(monitor: str, task: str) -> None:
    """`trainer.monitor` must be a validation metric the task's model reports."""
    allowed = ("val_loss", *(f"val_{metric}" for metric in TASK_METRICS[task]))
    checks.require_choice("trainer.monitor", monitor, allowed)
