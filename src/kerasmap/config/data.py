"""Schemas of the `data` config group, one per kind of dataset.

A kind says what its datasets yield (`MODALITY`: image, tokens or features) and which task
they pose (`TASK`); each dataset's YAML (`conf/data/<name>.yaml`) picks its kind and holds
its own defaults, and its loader is `kerasmap.data.datasets.<name>.load_<name>`. Options every
dataset shares are defaulted here.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from omegaconf import MISSING

from kerasmap.config import checks


@dataclass
class DataConfig:
    """Options every dataset shares: the split and how much of it to use."""

    KIND: ClassVar[str] = ""
    MODALITY: ClassVar[str] = ""
    TASK: ClassVar[str] = ""
    LOADER_KEYS: ClassVar[tuple[str, ...]] = ()

    name: str = MISSING
    val_fraction: float = 0.1  # carved from the training split, seeded by `seed`
    limit: int | None = None  # keep only the first N training examples (quick runs)
    augment: bool = False  # random horizontal flip and translation of training images

    def __post_init__(self) -> None:
        from kerasmap.data import dataset_loader  # numpy-only modules, no TensorFlow

        dataset_loader(self.name)
        checks.require(
            0 < self.val_fraction < 1,
            "data.val_fraction",
            self.val_fraction,
            "a float in (0, 1)",
        )
        if self.limit is not None:
            checks.require(self.limit >= 2, "data.limit", self.limit, "null or an integer >= 2")
        if self.MODALITY != "image":
            checks.require(
                not self.augment, "data.augment", self.augment, "false for non-image data"
            )

    def loader_options(self) -> dict[str, Any]:
        """Returns the keyword arguments of this dataset's loader function."""
        return {key: getattr(self, key) for key in self.LOADER_KEYS}


@dataclass
class ImageDataConfig(DataConfig):
    """An image dataset read through `keras.datasets` or from a local `path`."""

    KIND: ClassVar[str] = "image"
    MODALITY: ClassVar[str] = "image"
    TASK: ClassVar[str] = "multiclass"
    LOADER_KEYS: ClassVar[tuple[str, ...]] = ("path",)

    path: str | None = MISSING


@dataclass
class ImdbDataConfig(DataConfig):
    """IMDB reviews as padded token-id sequences."""

    KIND: ClassVar[str] = "imdb"
    MODALITY: ClassVar[str] = "tokens"
    TASK: ClassVar[str] = "binary"
    LOADER_KEYS: ClassVar[tuple[str, ...]] = ("path", "num_words", "maxlen")

    path: str | None = MISSING
    num_words: int = MISSING
    maxlen: int = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(self.num_words >= 4, "data.num_words", self.num_words, "an integer >= 4")
        checks.require_positive("data.maxlen", self.maxlen)


@dataclass
class MoonsDataConfig(DataConfig):
    """Two interleaving half circles generated with numpy, seeded by the run's `seed`."""

    KIND: ClassVar[str] = "moons"
    MODALITY: ClassVar[str] = "features"
    TASK: ClassVar[str] = "binary"
    LOADER_KEYS: ClassVar[tuple[str, ...]] = ("num_samples", "noise")

    num_samples: int = MISSING
    noise: float = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(
            self.num_samples >= 10, "data.num_samples", self.num_samples, "an integer >= 10"
        )
        checks.require_non_negative("data.noise", self.noise)
