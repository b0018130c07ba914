"""Every model survives a `.keras` round trip in safe mode, made of Keras's own layers only."""

import keras
import numpy as np
import pytest

from kerasmap.config.registry import model_schemas

INPUT_SHAPES = {"image": (28, 28, 1), "tokens": (20,), "features": (2,)}
# A pretrained backbone needs images of 32x32 pixels or more and seconds to save and load:
# tests/test_pretrained.py loads the model a pretrained run logs.
EVERY_INPUT = [
    (family, modality, {})
    for family, schema in model_schemas().items()
    if family != "pretrained"
    for modality in schema.MODALITIES
]
SAVED_MODELS = [
    *EVERY_INPUT,
    ("attention", "image", {"patch_size": 7}),
    ("mlp", "image", {"dropout": 0.2, "l2": 1e-4}),
    ("cnn", "image", {"batch_norm": True}),
    ("lstm", "tokens", {"cell": "gru", "bidirectional": True}),
]


def serialized_modules(config):
    """Every `module` named in a serialized Keras object, at any depth."""
    if isinstance(config, dict):
        own = [config["module"]] if "module" in config else []
        return own + [module for value in config.values() for module in serialized_modules(value)]
    if isinstance(config, list):
        return [module for value in config for module in serialized_modules(value)]
    return []


@pytest.mark.parametrize(("family", "modality", "options"), SAVED_MODELS)
def test_saved_model_predicts_the_same(
    build_tiny, random_examples, tmp_path, family, modality, options
):
    input_shape = INPUT_SHAPES[modality]
    model = build_tiny(family, input_shape=input_shape, **options)
    x, _ = random_examples(input_shape, tokens=modality == "tokens")
    path = tmp_path / f"{family}.keras"

    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)

    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize(("family", "modality", "options"), EVERY_INPUT)
def test_models_are_made_of_keras_layers_only(build_tiny, family, modality, options):
    model = build_tiny(family, input_shape=INPUT_SHAPES[modality], **options)

    custom = [
        layer.name for layer in model.layers if not type(layer).__module__.startswith("keras.")
    ]
    assert custom == []
    serialized = serialized_modules(keras.saving.serialize_keras_object(model))
    assert [module for module in serialized if module.split(".")[0] != "keras"] == []
