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
    # Keep only N training examples (quick runs): the first N, or N of a folder's at random.
    limit: int | None = None
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

    def known_task(self) -> str | None:
        """The task, when the config alone tells it (before any file is read)."""
        return self.TASK or None


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


TABLE_TASKS = ("auto", "multiclass", "binary", "regression")
IMAGE_CACHES = ("auto", "memory", "file")  # where an image folder's decoded pixels are kept


@dataclass
class TableDataConfig(DataConfig):
    """A user's table: a CSV, TSV or Parquet file with a target column and feature columns."""

    KIND: ClassVar[str] = "table"
    MODALITY: ClassVar[str] = "features"  # what the model family reads, after preprocessing
    LOADER_KEYS: ClassVar[tuple[str, ...]] = (
        "path",
        "target",
        "task",
        "features",
        "drop",
        "test_path",
        "test_fraction",
        "stratify",
        "column_types",
    )

    path: str = MISSING
    target: str = MISSING
    task: str = MISSING
    features: list[str] | None = MISSING
    drop: list[str] = MISSING
    test_path: str | None = MISSING
    test_fraction: float = MISSING
    stratify: bool = MISSING
    column_types: dict[str, str] = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        from kerasmap.serving.pyfunc_model import COLUMN_TYPES

        checks.require_choice("data.task", self.task, TABLE_TASKS)
        checks.require(
            0 < self.test_fraction < 1,
            "data.test_fraction",
            self.test_fraction,
            "a float in (0, 1)",
        )
        for column, column_type in self.column_types.items():
            checks.require_choice(f"data.column_types.{column}", column_type, COLUMN_TYPES)

    def known_task(self) -> str | None:
        return None if self.task == "auto" else self.task


@dataclass
class ImageFolderConfig(DataConfig):
    """A user's folder of images, one subfolder per class."""

    KIND: ClassVar[str] = "image_folder"
    MODALITY: ClassVar[str] = "image"
    TASK: ClassVar[str] = "multiclass"
    LOADER_KEYS: ClassVar[tuple[str, ...]] = (
        "path",
        "image_size",
        "color_mode",
        "test_fraction",
        "cache",
    )

    path: str = MISSING
    image_size: list[int] | None = MISSING
    color_mode: str = MISSING
    test_fraction: float = MISSING
    cache: str = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.image_size is not None:
            checks.require(
                len(self.image_size) == 2 and all(side >= 1 for side in self.image_size),
                "data.image_size",
                self.image_size,
                "[height, width], two integers >= 1, or null for the images' own size",
            )
        checks.require_choice(
            "data.color_mode", self.color_mode, ("auto", "grayscale", "rgb", "rgba")
        )
        checks.require(
            0 < self.test_fraction < 1,
            "data.test_fraction",
            self.test_fraction,
            "a float in (0, 1)",
        )
        checks.require_choice("data.cache", self.cache, IMAGE_CACHES)


@dataclass
class TextFolderConfig(DataConfig):
    """A user's folder of `.txt` files, one subfolder per class."""

    KIND: ClassVar[str] = "text_folder"
    MODALITY: ClassVar[str] = "tokens"  # what the model family reads, after TextVectorization
    TASK: ClassVar[str] = "multiclass"
    LOADER_KEYS: ClassVar[tuple[str, ...]] = (
        "path",
        "max_tokens",
        "sequence_length",
        "test_fraction",
    )

    path: str = MISSING
    max_tokens: int = MISSING
    sequence_length: int = MISSING
    test_fraction: float = MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        checks.require(self.max_tokens >= 3, "data.max_tokens", self.max_tokens, "an integer >= 3")
        checks.require_positive("data.sequence_length", self.sequence_length)
        checks.require(
            0 < self.test_fraction < 1,
            "data.test_fraction",
            self.test_fraction,
            "a float in (0, 1)",
        )
