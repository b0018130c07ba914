"""What the prepare stage hands to the build, fit and evaluate stages."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class DatasetBundle:
    """Batched train / validation / test pipelines plus what the model needs to know.

    Args:
        train: The first epoch of training batches: shuffled, optionally
            augmented, batched, prefetched `tf.data.Dataset` of `(inputs, targets)`.
        val: Batched validation split carved from the training split.
        test: Batched official test split.
        input_shape: Shape of one input example, without the batch axis.
        num_classes: Number of classes (1 for regression).
        class_names: One name per class; empty for regression.
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        modality: One of `"image"`, `"tokens"`, `"features"`.
        fingerprint: sha256 identifying the source data.
        num_train: Number of training examples after the validation split.
        num_val: Number of validation examples.
        num_test: Number of test examples.
        input_example: A few test inputs as they are stored (raw pixels, features, token
            ids, a table's rows), for the logged model's signature and input example.
        vocab_size: Token vocabulary size for `"tokens"` data, else `None`.
        train_from_epoch: `train_from_epoch(k, epochs)` returns the stream of training
            batches from epoch k to epoch `epochs - 1`, each epoch in its own seeded order;
            fit with `steps_per_epoch`. A run resumed at epoch k uses it.
        steps_per_epoch: Training batches in one epoch.
        batch_size: Examples per training batch, as the pipelines batch them.
        preprocessor: The in-model preprocessing: a `keras.Model` from the raw inputs (a
            table's columns, images, texts, features) to `input_shape`; `None` for token ids.
        input_kind: What the logged model takes: `"table"`, `"image"`, `"text"`,
            `"features"` or `"tokens"`.
        description: What the run records about a user's data (column types, task, ...).
        target_scale: For regression, the training targets' mean and standard deviation:
            the model predicts in units of these, then scales back.
    """

    train: Any
    val: Any
    test: Any
    input_shape: tuple[int, ...]
    num_classes: int
    class_names: tuple[str, ...]
    task: str
    modality: str
    fingerprint: str
    num_train: int
    num_val: int
    num_test: int
    input_example: np.ndarray
    vocab_size: int | None = None
    train_from_epoch: Callable[..., Any] | None = None
    steps_per_epoch: int = 0
    batch_size: int = 0
    preprocessor: Any = None
    input_kind: str = ""
    description: dict = field(default_factory=dict)
    target_scale: tuple[float, float] | None = None
