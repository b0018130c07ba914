"""Schemas of the `trainer` config group: how long and how to fit.

The default values live in `conf/trainer/default.yaml`.
"""

import math
from dataclasses import dataclass
from typing import ClassVar

from omegaconf import MISSING

from kerasmap.config import checks

PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
DISTRIBUTIONS = ("auto", "none", "mirrored")
LR_SCALINGS = ("none", "linear")


@dataclass
class LRScheduleConfig:
    """Learning-rate decay over the run."""

    # The settings each schedule reads; the others are not recorded with a run.
    SETTINGS: ClassVar[dict[str, tuple[str, ...]]] = {
        "constant": (),
        "exponential": ("decay_rate",),
        "cosine": ("alpha", "warmup_epochs"),
        "plateau": ("factor", "patience", "min_lr"),
    }

    name: str = MISSING
    decay_rate: float = MISSING
    alpha: float = MISSING
    factor: float = MISSING
    patience: int = MISSING
    min_lr: float = MISSING
    warmup_epochs: float = MISSING

    def __post_init__(self) -> None:
        key = "trainer.lr_schedule"
        checks.require_choice(f"{key}.name", self.name, tuple(self.SETTINGS))
        checks.require(
            0 < self.decay_rate <= 1, f"{key}.decay_rate", self.decay_rate, "a float in (0, 1]"
        )
        checks.require(0 <= self.alpha < 1, f"{key}.alpha", self.alpha, "a float in [0, 1)")
        checks.require(0 < self.factor < 1, f"{key}.factor", self.factor, "a float in (0, 1)")
        checks.require_positive(f"{key}.patience", self.patience)
        checks.require_non_negative(f"{key}.min_lr", self.min_lr)
        checks.require_non_negative(f"{key}.warmup_epochs", self.warmup_epochs)


@dataclass
class TrainerConfig:
    """Epochs, batch size, early stopping, schedule, precision, devices, determinism, folds."""

    epochs: int = MISSING
    batch_size: int = MISSING
    patience: int = MISSING
    monitor: str = MISSING
    lr_schedule: LRScheduleConfig = MISSING
    precision: str = MISSING
    distribution: str = MISSING
    lr_scaling: str = MISSING
    steps_per_execution: str = MISSING
    jit_compile: str = MISSING
    deterministic: bool = MISSING
    resume: bool = MISSING
    backup_dir: str = MISSING
    folds: int = MISSING
    repeats: int = MISSING
    # Training length in optimizer steps: the epochs become ceil(max_steps / batches per
    # epoch), at most `epochs`, so a small table runs many epochs and a large one few.
    max_steps: int | None = None
    # A table too small for this many batches of `batch_size` gets smaller batches (16 rows
    # at least), so an epoch is several steps; null keeps `batch_size`.
    min_batches_per_epoch: int | None = None
    label_smoothing: float = 0.0  # classification targets mixed with this share of uniform

    def __post_init__(self) -> None:
        checks.require_positive("trainer.epochs", self.epochs)
        checks.require_positive("trainer.batch_size", self.batch_size)
        if self.max_steps is not None:
            checks.require_positive("trainer.max_steps", self.max_steps)
        if self.min_batches_per_epoch is not None:
            checks.require_positive("trainer.min_batches_per_epoch", self.min_batches_per_epoch)
        checks.require_fraction("trainer.label_smoothing", self.label_smoothing)
        checks.require_positive("trainer.patience", self.patience)
        checks.require(
            self.monitor.startswith("val_"),
            "trainer.monitor",
            self.monitor,
            "a validation metric name such as 'val_loss' or 'val_accuracy'",
        )
        checks.require(
            self.lr_schedule.name != "cosine" or self.lr_schedule.warmup_epochs < self.epochs,
            "trainer.lr_schedule.warmup_epochs",
            self.lr_schedule.warmup_epochs,
            f"fewer epochs than trainer.epochs={self.epochs}, so the cosine decay has steps",
        )
        checks.require_choice("trainer.precision", self.precision, PRECISIONS)
        checks.require_choice("trainer.distribution", self.distribution, DISTRIBUTIONS)
        checks.require_choice("trainer.lr_scaling", self.lr_scaling, LR_SCALINGS)
        steps = str(self.steps_per_execution)
        checks.require(
            steps == "auto" or (steps.isdigit() and int(steps) >= 1),
            "trainer.steps_per_execution",
            self.steps_per_execution,
            "auto or a whole number of training steps >= 1",
        )
        self.jit_compile = str(self.jit_compile).lower()
        checks.require_choice("trainer.jit_compile", self.jit_compile, ("auto", "true", "false"))
        checks.require_positive("trainer.folds", self.folds)
        checks.require_positive("trainer.repeats", self.repeats)

    def planned_epochs(self, steps_per_epoch: int) -> int:
        """The epochs to run: `epochs`, or fewer where `max_steps` ends training sooner."""
        if self.max_steps is None:
            return self.epochs
        return min(self.epochs, math.ceil(self.max_steps / steps_per_epoch))
