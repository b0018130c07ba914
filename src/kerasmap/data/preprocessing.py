"""Casts and augmentation in the tf.data pipelines; the scaling built-in models start with."""

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf


def make_caster(modality: str) -> Callable[[tf.Tensor], tf.Tensor]:
    """The cast the pipelines apply: images and features to `float32`, token ids to `int32`.

    Values are left as stored (pixels in `[0, 255]`, features in their own units): the
    model scales them itself (`builtin_preprocessor`), so the logged model takes the same
    raw inputs as the dataset's files hold.
    """
    dtype = tf.int32 if modality == "tokens" else tf.float32
    return lambda inputs: tf.cast(inputs, dtype)


def builtin_preprocessor(modality: str, x_train: np.ndarray) -> keras.Model | None:
    """The scaling a built-in dataset's model starts with, learned from `x_train` only.

    Images go from `[0, 255]` to `[0, 1]` (`Rescaling`); features are standardised with the
    mean and standard deviation of `x_train` (`Normalization`; a feature constant in training
    is centred, not divided by zero). Token ids need nothing: `None`.

    Args:
        modality: One of `"image"`, `"tokens"`, `"features"`.
        x_train: The training inputs (after the validation split is carved out).

    Returns:
        A `keras.Model` from raw inputs to scaled ones, or `None`.
    """
    if modality == "tokens":
        return None
    inputs = keras.Input(x_train.shape[1:], dtype="float32", name=modality)
    if modality == "image":
        return keras.Model(inputs, keras.layers.Rescaling(1 / 255)(inputs), name="scaling")
    mean = x_train.mean(axis=0).astype(np.float32)
    std = x_train.std(axis=0).astype(np.float32)
    std[std == 0] = 1.0
    standardise = keras.layers.Normalization(mean=mean, variance=std**2)
    return keras.Model(inputs, standardise(inputs), name="standardisation")


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
