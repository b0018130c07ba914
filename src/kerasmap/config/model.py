"""Schemas of the `model` config group, one per model family.

Every field but `name` is passed unchanged as a keyword argument to the family's builder.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from omegaconf import MISSING

from kerasmap.config import checks


@dataclass
class ModelConfig:
    """Options every family shares: regularisation."""

    name: str = MISSING
    dropout: float = 0.0
    l1: float = 0.0
    l2: float = 0.0

    def __post_init__(self) -> None:
        checks.require_fraction("model.dropout", self.dropout)
        checks.require_non_negative("model.l1", self.l1)
        checks.require_non_negative("model.l2", self.l2)

    def builder_options(self) -> dict[str, Any]:
        """Returns the keyword arguments of this family's builder function."""
        options = asdict(self)
        del options["name"]
        return options


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

    hidden_units: list[int] = field(default_factory=lambda: [128])
    activation: str = "relu"

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_layer_sizes("model.hidden_units", self.hidden_units)


@dataclass
class CNNConfig(ModelConfig):
    """Conv blocks (Conv2D, optional BatchNorm, ReLU, MaxPool, Dropout), then Dense."""

    filters: list[int] = field(default_factory=lambda: [32, 64])
    kernel_size: int = 3
    dense_units: int = 128
    batch_norm: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_layer_sizes("model.filters", self.filters)
        checks.require_positive("model.kernel_size", self.kernel_size)
        checks.require_positive("model.dense_units", self.dense_units)


@dataclass
class LSTMConfig(ModelConfig):
    """Stacked recurrent layers over image rows or token embeddings."""

    units: list[int] = field(default_factory=lambda: [128])
    cell: str = "lstm"
    bidirectional: bool = False
    embedding_dim: int = 64

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_layer_sizes("model.units", self.units)
        checks.require_choice("model.cell", self.cell, ("lstm", "gru", "rnn"))
        checks.require_positive("model.embedding_dim", self.embedding_dim)


@dataclass
class AttentionConfig(ModelConfig):
    """A transformer encoder over image rows, image patches or tokens."""

    num_layers: int = 2
    num_heads: int = 4
    embed_dim: int = 64
    ff_dim: int = 128
    patch_size: int | None = None

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
