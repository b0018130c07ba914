"""Models of each family built from its real defaults, shrunk, and random examples to feed them.

A family's defaults are read from `conf/model/<family>.yaml` through the real config, as the
pipeline reads them; the builders have none of their own.
"""

import copy
import functools

import keras
import numpy as np
import pytest

from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.config.registry import model_schemas
from kerasmap.models import build_model

IMAGE = (28, 28, 1)
TOKENS = (20,)
VOCAB_SIZE = 50

# The smallest model of each family that still has every part of the architecture.
TINY_OPTIONS = {
    "mlp": {"hidden_units": [8]},
    "cnn": {"filters": [4], "dense_units": 8},
    "lstm": {"units": [8], "embedding_dim": 8},
    "attention": {"num_layers": 1, "num_heads": 2, "embed_dim": 8, "ff_dim": 8},
    "tabular": {"hidden_units": [8], "ensemble_size": 2},
    "linear": {},
    "pretrained": {"backbone": "mobilenet_v3_small_minimalistic", "weights": None},
}


@functools.cache
def _composed_options(family):
    # A family that reads no images (tabular) composes with features.
    data = "mnist" if "image" in model_schemas()[family].MODALITIES else "moons"
    cfg = compose_config([f"model={family}", f"data={data}"])
    return load_settings(cfg).model.builder_options()


@pytest.fixture(scope="session")
def default_options():
    """Returns a family's builder options as its `conf/model/<family>.yaml` sets them."""

    def options(family):
        return copy.deepcopy(_composed_options(family))

    return options


@pytest.fixture(scope="session")
def build_default(default_options):
    """Builds a family's default model with `options` on top; token input gets a vocabulary."""

    def build(family, input_shape=IMAGE, task="multiclass", num_classes=10, **options):
        if len(input_shape) == 1 and "tokens" in model_schemas()[family].MODALITIES:
            options.setdefault("vocab_size", VOCAB_SIZE)
        options = {**default_options(family), **options}
        return build_model(
            family, input_shape=input_shape, num_classes=num_classes, task=task, **options
        )

    return build


@pytest.fixture(scope="session")
def build_tiny(build_default):
    """Builds a tiny model of a family: its defaults, shrunk, with `options` on top."""

    def build(family, input_shape=IMAGE, task="multiclass", num_classes=10, **options):
        options = {**TINY_OPTIONS[family], **options}
        return build_default(family, input_shape, task, num_classes, **options)

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
