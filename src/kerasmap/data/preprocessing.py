"""Per-example scaling and per-batch augmentation applied inside the tf.data pipelines."""

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf


def make_scaler(modality: str, x_train: np.ndarray) -> Callable[[tf.Tensor], tf.Tensor]:
    """Builds the function that turns stored inputs into what the model receives.

    Images go from `uint8` in `[0, 255]` to `float32` in `[0, 1]`; features are
    standardised with the mean and standard deviation of `x_train` only, so
    nothing about the validation or test split leaks into training; token ids
    stay `int32`. It works on single examples, which `keras.layers.Normalization`
    does not (it broadcasts against a batch axis), so it can run before batching
    and caching.

    Args:
        modality: One of `"image"`, `"tokens"`, `"features"`.
        x_train: The training inputs (after the validation split is carved out).

    Returns:
        A function mapping one example, or a batch, to its scaled form.
    """
    if modality == "image":
        return lambda inputs: tf.cast(inputs, tf.float32) / 255.0
    if modality == "features":
        mean = x_train.mean(axis=0).astype(np.float32)
        std = x_train.std(axis=0).astype(np.float32)
        # A feature that is constant in training is centred but not divided by zero.
        std[std == 0] = 1.0
        return lambda inputs: (tf.cast(inputs, tf.float32) - mean) / std
    return lambda inputs: tf.cast(inputs, tf.int32)


def make_augmenter(seed: int) -> keras.Sequential:
    """Builds the random flips and shifts applied to training image batches.

    Args:
        seed: Seed of both random layers.

    Returns:
        A `keras.Sequential` to call with `training=True`.
    """
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            # A different seed, so the shifts are drawn independently of the flips.
            keras.layers.RandomTranslation(0.1, 0.1, seed=seed + 1),
        ]
    )
