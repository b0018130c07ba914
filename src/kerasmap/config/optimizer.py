"""Schemas of the `optimizer` config group: one per Keras optimizer.

Every field but `name` is passed unchanged to the Keras optimizer's constructor. A default
that differs between optimizers lives in `conf/optimizer/<name>.yaml`; one they share is
defaulted here.
"""

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from omegaconf import MISSING

from kerasmap.config import checks


@dataclass
class OptimizerConfig:
    """Options every optimizer shares: step size, decoupled weight decay, clipping."""

    name: str = MISSING
    learning_rate: float = MISSING
    weight_decay: float = MISSING  # decoupled weight decay (0 = none)
    clipnorm: float | None = None  # clip each gradient to this L2 norm
    clipvalue: float | None = None  # or clip each gradient element to [-clipvalue, clipvalue]

    NAMES: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        checks.require_choice("optimizer.name", self.name, self.NAMES)
        checks.require(
            self.learning_rate > 0, "optimizer.learning_rate", self.learning_rate, "a float > 0"
        )
        checks.require_non_negative("optimizer.weight_decay", self.weight_decay)
        for key in ("clipnorm", "clipvalue"):
            value = getattr(self, key)
            checks.require(
                value is None or value > 0, f"optimizer.{key}", value, "null or a float > 0"
            )
        checks.require(
            self.clipnorm is None or self.clipvalue is None,
            "optimizer.clipvalue",
            self.clipvalue,
            "null when optimizer.clipnorm is set",
        )

    def optimizer_options(self) -> dict[str, Any]:
        """Returns the keyword arguments of the Keras optimizer's constructor."""
        options = asdict(self)
        del options["name"]
        return options


@dataclass
class AdamConfig(OptimizerConfig):
    """Adam; with `weight_decay` > 0 the decay is decoupled, as in AdamW."""

    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    amsgrad: bool = False

    NAMES: ClassVar[tuple[str, ...]] = ("adam", "adamw")

    def __post_init__(self) -> None:
        super().__post_init__()
        for key in ("beta_1", "beta_2"):
            value = getattr(self, key)
            checks.require(0 <= value < 1, f"optimizer.{key}", value, "a float in [0, 1)")


@dataclass
class SGDConfig(OptimizerConfig):
    """Stochastic gradient descent, with optional (Nesterov) momentum."""

    momentum: float = MISSING
    nesterov: bool = MISSING

    NAMES: ClassVar[tuple[str, ...]] = ("sgd",)

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(
            0 <= self.momentum < 1, "optimizer.momentum", self.momentum, "a float in [0, 1)"
        )


@dataclass
class RMSpropConfig(OptimizerConfig):
    """RMSProp: a moving average of squared gradients scales each step."""

    rho: float = MISSING
    momentum: float = MISSING
    epsilon: float = 1e-7

    NAMES: ClassVar[tuple[str, ...]] = ("rmsprop",)

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(0 < self.rho < 1, "optimizer.rho", self.rho, "a float in (0, 1)")
        checks.require(
            0 <= self.momentum < 1, "optimizer.momentum", self.momentum, "a float in [0, 1)"
        )


@dataclass
class AdagradConfig(OptimizerConfig):
    """AdaGrad: per-parameter steps shrink with the sum of squared gradients."""

    initial_accumulator_value: float = MISSING
    epsilon: float = 1e-7

    NAMES: ClassVar[tuple[str, ...]] = ("adagrad",)

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require_non_negative(
            "optimizer.initial_accumulator_value", self.initial_accumulator_value
        )
