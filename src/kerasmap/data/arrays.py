"""The in-memory form every dataset loader returns, before tf.data."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ArraySplits:
    """A dataset's official train and test splits as numpy arrays.

    Its task and modality are facts of its kind of dataset (`kerasmap.config.data`).

    Args:
        x_train: Training inputs, first axis is examples. Images are `uint8`
            with shape `(n, height, width, channels)`; token sequences are
            `int32` `(n, maxlen)`; features are `float32` `(n, num_features)`.
        y_train: Training targets, shape `(n,)`: integer class ids for
            classification, floats for regression.
        x_test: Test inputs, same layout as `x_train`.
        y_test: Test targets, same layout as `y_train`.
        class_names: One name per class; empty for regression.
        fingerprint: sha256 of the source files, or of the generator settings
            for generated data, so a run records exactly what it trained on.
        vocab_size: Size of the token vocabulary for `"tokens"` data, else `None`.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    fingerprint: str
    vocab_size: int | None = None

    @classmethod
    def grayscale(cls, train, test, class_names, fingerprint: str) -> "ArraySplits":
        """Splits of `(images, labels)` pairs of 2-D grayscale images, given a channel axis."""
        (x_train, y_train), (x_test, y_test) = train, test
        return cls(
            x_train=np.expand_dims(x_train, -1),
            y_train=y_train,
            x_test=np.expand_dims(x_test, -1),
            y_test=y_test,
            class_names=tuple(class_names),
            fingerprint=fingerprint,
        )


@dataclass(frozen=True)
class RawSplits(ArraySplits):
    """A user's files as splits of raw inputs, which the model preprocesses itself.

    Args:
        input_kind: What the logged model takes: `"table"` (named columns), `"image"` (uint8
            pixels of any size) or `"text"` (strings).
        task: The task the data poses, decided by the loader (tables) or its kind.
        preprocessor: Builds the in-model preprocessing (a `keras.Model` from raw inputs to
            what a family reads) from the training split's inputs.
        stratify: Whether the validation split keeps the class proportions.
        description: What the run records about the data: column types, class names, ...
        raw_example: A few test inputs as a user gives them to the logged model.
    """

    input_kind: str = ""
    task: str = ""
    preprocessor: Callable[[Any], Any] | None = None
    stratify: bool = False
    description: dict = field(default_factory=dict)
    raw_example: Any = None
