"""The whole run's schema, and the checks that span config groups."""

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING

from kerasmap.config import checks
from kerasmap.config.data import DataConfig
from kerasmap.config.model import ModelConfig
from kerasmap.config.optimizer import OptimizerConfig
from kerasmap.config.tracking import TrackingConfig
from kerasmap.config.trainer import TrainerConfig
from kerasmap.errors import ConfigError
from kerasmap.families import (
    DATASET_MODALITY,
    DATASET_TASK,
    FAMILY_MODALITIES,
    TASK_METRICS,
    families_for,
)


@dataclass
class KerasmapConfig:
    """One training run: data, model, optimizer, trainer, tracking and the seed."""

    data: Any = MISSING
    model: Any = MISSING
    optimizer: Any = MISSING
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    seed: int = 42

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
        _require_family_fits_data(self.model.name, self.data.name)
        _require_monitor_exists(self.trainer.monitor, self.data.name)


def _require_family_fits_data(family: str, dataset: str) -> None:
    checks.require_choice("model.name", family, tuple(FAMILY_MODALITIES))
    checks.require_choice("data.name", dataset, tuple(DATASET_MODALITY))
    modality = DATASET_MODALITY[dataset]
    if modality not in FAMILY_MODALITIES[family]:
        fitting = ", ".join(families_for(modality))
        raise ConfigError(
            f"Model `{family}` cannot take {modality} input from `data={dataset}`; "
            f"model families that fit {dataset} are: {fitting}."
        )


def _require_monitor_exists(monitor: str, dataset: str) -> None:
    task = DATASET_TASK[dataset]
    allowed = ("val_loss", *(f"val_{metric}" for metric in TASK_METRICS[task]))
    checks.require_choice("trainer.monitor", monitor, allowed)
