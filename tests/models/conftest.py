"""Tiny model options and random examples, so every model test builds and fits in seconds."""

import keras
import numpy as np
import pytest

from kerasmap.models import build_model

VOCAB_SIZE = 50

# The smallest model of each family that still has every part of the architecture.
TINY_OPTIONS = {
    "mlp": {"hidden_units": (8,)},
    "cnn": {"filters": (4,), "dense_units": 8},
    "lstm": {"units": (8,), "embedding_dim": 8},
    "attention": {"num_layers": 1, "num_heads": 2, "embed_dim": 8, "ff_dim": 8},
}


@pytest.fixture
def build_tiny():
    """Builds a tiny model of a family; token input gets a vocabulary."""

    def build(family, input_shape=(28, 28, 1), task="multiclass", num_classes=10, **options):
        if len(input_shape) == 1 and family in ("lstm", "attention"):
            options.setdefault("vocab_size", VOCAB_SIZE)
        options = {**TINY_OPTIONS[family], **options}
        return build_model(
            family, input_shape=input_shape, num_classes=num_classes, task=task, **options
        )

    return build


@pytest.fixture
def random_examples():
    """Returns `(x, y)` of random inputs for `input_shape` and targets for `task`."""

    def make(input_shape, task="multiclass", num_classes=10, count=8, tokens=False):
        rng = np.random.default_rng(0)
        if tokens:
            x = rng.integers(0, VOCAB_SIZE, size=(count, *input_shape)).astype("int32")
        else:
            x = rng.random((count, *input_shape), dtype="float32")
        if task == "regression":
            return x, rng.normal(size=count).astype("float32")
        return x, rng.integers(0, num_classes if task == "multiclass" else 2, size=count)

    return make


@pytest.fixture
def mixed_bfloat16():
    """Sets the global `"mixed_bfloat16"` policy for one test, then restores the old one."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
