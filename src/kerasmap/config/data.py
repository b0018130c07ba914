"""Schemas of the `data` config group, one per kind of dataset."""

from dataclasses import dataclass
from typing import Any, ClassVar

from omegaconf import MISSING

from kerasmap.config import checks


@dataclass
class DataConfig:
    """Options every dataset shares: the split and how much of it to use."""

    name: str = MISSING
    val_fraction: float = 0.1
    limit: int | None = None
    augment: bool = False

    LOADER_KEYS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        checks.require(
            0 < self.val_fraction < 1,
            "data.val_fraction",
            self.val_fraction,
            "a float in (0, 1)",
        )
        if self.limit is not None:
            checks.require(self.limit >= 2, "data.limit", self.limit, "null or an integer >= 2")

    def loader_options(self) -> dict[str, Any]:
        """Returns the keyword arguments of this dataset's loader function."""
        return {key: getattr(self, key) for key in self.LOADER_KEYS}


@dataclass
class ImageDataConfig(DataConfig):
    """An image dataset read through `keras.datasets` or from a local `path`."""

    path: str | None = None

    LOADER_KEYS: ClassVar[tuple[str, ...]] = ("path",)


@dataclass
class ImdbDataConfig(DataConfig):
    """IMDB reviews as padded token-id sequences."""

    path: str | None = None
    num_words: int = 20000
    maxlen: int = 200

    LOADER_KEYS: ClassVar[tuple[str, ...]] = ("path", "num_words", "maxlen")

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(self.num_words >= 4, "data.num_words", self.num_words, "an integer >= 4")
        checks.require_positive("data.maxlen", self.maxlen)
        checks.require(not self.augment, "data.augment", self.augment, "false for text data")


@dataclass
class MoonsDataConfig(DataConfig):
    """Two interleaving half circles generated with numpy, seeded by the run's `seed`."""

    num_samples: int = 1000
    noise: float = 0.2

    LOADER_KEYS: ClassVar[tuple[str, ...]] = ("num_samples", "noise")

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(
            self.num_samples >= 10, "data.num_samples", self.num_samples, "an integer >= 10"
        )
        checks.require_non_negative("data.noise", self.noise)
        checks.require(not self.augment, "data.augment", self.augment, "false for tabular data")
