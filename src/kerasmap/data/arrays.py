"""The in-memory form every dataset loader returns, before tf.data."""

from dataclasses import dataclass

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
