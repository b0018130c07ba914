"""Schemas of the `model` config group, one per model family.

Each schema names its family (`NAME`), says which inputs it reads (`MODALITIES`), declares
the types of the family's options and checks their ranges. The default values live in
`conf/model/<family>.yaml`; a value every family shares is defaulted here instead. Every
field but `name` and the family's `TRAINING_KEYS` is passed unchanged as a keyword argument to
the family's builder, `kerasmap.models.<family>.build_<family>`.
"""

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from omegaconf import MISSING

from kerasmap.config import checks
from kerasmap.models.backbones import BACKBONES, MIN_IMAGE_SIDE, weights_file


@dataclass
class ModelConfig:
    """Options every family shares: regularisation."""

    NAME: ClassVar[str] = ""
    MODALITIES: ClassVar[tuple[str, ...]] = ()
    TRAINING_KEYS: ClassVar[tuple[str, ...]] = ()  # fields for the training, not the builder

    name: str = MISSING
    dropout: float = MISSING
    l1: float = 0.0  # L1 penalty on kernel weights
    l2: float = 0.0  # L2 penalty on kernel weights

    def __post_init__(self) -> None:
        checks.require_fraction("model.dropout", self.dropout)
        checks.require_non_negative("model.l1", self.l1)
        checks.require_non_negative("model.l2", self.l2)

    def builder_options(self) -> dict[str, Any]:
        """Returns the keyword arguments of this family's builder function."""
        options = asdict(self)
        for key in ("name", *self.TRAINING_KEYS):
            del options[key]
        return options

    def check_data(self, data: Any) -> None:
        """Checks what this family needs of the data config beyond its modality."""


def _require_layer_sizes(key: str, sizes: list[int]) -> None:
    checks.require(
        len(sizes) > 0 and all(size >= 1 for size in sizes),
        key,
        sizes,
        "a non-empty list of integers >= 1",
    )


@dataclass
class MLPConfig(ModelConfig):
    """Flatten, then Dense + activation + Dropout per hidden layer."""

    NAME: ClassVar[str] = "mlp"
    MODALITIES: ClassVar[tuple[str, ...]] = ("image", "features")

    hidden_units: list[int] = MISSING
    activation: str = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_layer_sizes("model.hidden_units", self.hidden_units)


@dataclass
class TabularConfig(MLPConfig):
    """k MLP members sharing their hidden layers, each with its own adapter and head (TabM)."""

    NAME: ClassVar[str] = "tabular"
    MODALITIES: ClassVar[tuple[str, ...]] = ("features",)

    ensemble_size: int = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require_positive("model.ensemble_size", self.ensemble_size)


@dataclass
class LinearConfig(ModelConfig):
    """One Dense layer on the preprocessed inputs: the baseline (a bag of words for texts)."""

    NAME: ClassVar[str] = "linear"
    MODALITIES: ClassVar[tuple[str, ...]] = ("features", "image", "tokens")


@dataclass
class CNNConfig(ModelConfig):
    """Conv blocks (Conv2D, optional BatchNorm, ReLU, MaxPool, Dropout), then Dense."""

    NAME: ClassVar[str] = "cnn"
    MODALITIES: ClassVar[tuple[str, ...]] = ("image",)

    filters: list[int] = MISSING
    kernel_size: int = MISSING
    dense_units: int = MISSING
    batch_norm: bool = MISSING
    residual: bool = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_layer_sizes("model.filters", self.filters)
        checks.require_positive("model.kernel_size", self.kernel_size)
        checks.require_positive("model.dense_units", self.dense_units)


@dataclass
class LSTMConfig(ModelConfig):
    """Stacked recurrent layers over image rows or token embeddings."""

    NAME: ClassVar[str] = "lstm"
    MODALITIES: ClassVar[tuple[str, ...]] = ("image", "tokens")

    units: list[int] = MISSING
    cell: str = MISSING
    bidirectional: bool = MISSING
    embedding_dim: int = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_layer_sizes("model.units", self.units)
        checks.require_choice("model.cell", self.cell, ("lstm", "gru", "rnn"))
        checks.require_positive("model.embedding_dim", self.embedding_dim)


@dataclass
class AttentionConfig(ModelConfig):
    """A transformer encoder over image rows, image patches or tokens."""

    NAME: ClassVar[str] = "attention"
    MODALITIES: ClassVar[tuple[str, ...]] = ("image", "tokens")

    num_layers: int = MISSING
    num_heads: int = MISSING
    embed_dim: int = MISSING
    ff_dim: int = MISSING
    patch_size: int | None = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require_positive("model.num_layers", self.num_layers)
        checks.require_positive("model.num_heads", self.num_heads)
        checks.require_positive("model.ff_dim", self.ff_dim)
        checks.require(
            self.embed_dim >= 1 and self.embed_dim % self.num_heads == 0,
            "model.embed_dim",
            self.embed_dim,
            f"a positive multiple of model.num_heads={self.num_heads}",
        )
        if self.patch_size is not None:
            checks.require_positive("model.patch_size", self.patch_size)


@dataclass
class PretrainedConfig(ModelConfig):
    """A Keras application backbone and a new head, trained frozen, then fine-tuned."""

    NAME: ClassVar[str] = "pretrained"
    MODALITIES: ClassVar[tuple[str, ...]] = ("image",)
    TRAINING_KEYS: ClassVar[tuple[str, ...]] = ("frozen_epochs", "fine_tune_rate")

    backbone: str = MISSING
    weights: str | None = MISSING
    frozen_epochs: int = MISSING
    fine_tune_rate: float = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require_choice("model.backbone", self.backbone, tuple(BACKBONES))
        checks.require(
            self.frozen_epochs >= 0, "model.frozen_epochs", self.frozen_epochs, "an integer >= 0"
        )
        checks.require(
            0 < self.fine_tune_rate <= 1,
            "model.fine_tune_rate",
            self.fine_tune_rate,
            "a float in (0, 1]",
        )

    def builder_options(self) -> dict[str, Any]:
        """The builder's arguments, `weights` the file in Keras's cache when none is given."""
        return super().builder_options() | {
            "weights": str(weights_file(self.backbone, self.weights))
        }

    def check_data(self, data: Any) -> None:
        """Images resized to a size of the config must be large enough for the backbone."""
        image_size = getattr(data, "image_size", None)
        if image_size is not None:
            checks.require(
                min(image_size) >= MIN_IMAGE_SIDE,
                "data.image_size",
                list(image_size),
                f"[height, width] of at least {MIN_IMAGE_SIDE} pixels each for the "
                f"{self.backbone} backbone",
            )
