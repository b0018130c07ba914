"""Schemas of the `trainer` config group: how long and how to fit."""

from dataclasses import dataclass, field

from kerasmap.config import checks

PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
SCHEDULES = ("constant", "exponential", "cosine", "plateau")


@dataclass
class LRScheduleConfig:
    """Learning-rate decay over the run."""

    name: str = "constant"
    decay_rate: float = 0.9
    alpha: float = 0.0
    factor: float = 0.5
    patience: int = 2
    min_lr: float = 1e-6

    def __post_init__(self) -> None:
        key = "trainer.lr_schedule"
        checks.require_choice(f"{key}.name", self.name, SCHEDULES)
        checks.require(
            0 < self.decay_rate <= 1, f"{key}.decay_rate", self.decay_rate, "a float in (0, 1]"
        )
        checks.require(0 <= self.alpha < 1, f"{key}.alpha", self.alpha, "a float in [0, 1)")
        checks.require(0 < self.factor < 1, f"{key}.factor", self.factor, "a float in (0, 1)")
        checks.require_positive(f"{key}.patience", self.patience)
        checks.require_non_negative(f"{key}.min_lr", self.min_lr)


@dataclass
class TrainerConfig:
    """Epochs, batch size, early stopping, schedule, precision and determinism."""

    epochs: int = 10
    batch_size: int = 64
    patience: int = 3
    monitor: str = "val_loss"
    lr_schedule: LRScheduleConfig = field(default_factory=LRScheduleConfig)
    precision: str = "auto"
    deterministic: bool = False
    resume: bool = True
    backup_dir: str = "outputs/backups"

    def __post_init__(self) -> None:
        checks.require_positive("trainer.epochs", self.epochs)
        checks.require_positive("trainer.batch_size", self.batch_size)
        checks.require_positive("trainer.patience", self.patience)
        checks.require(
            self.monitor.startswith("val_"),
            "trainer.monitor",
            self.monitor,
            "a validation metric name such as 'val_loss' or 'val_accuracy'",
        )
        checks.require_choice("trainer.precision", self.precision, PRECISIONS)
