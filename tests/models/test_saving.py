"""Every model survives a `.keras` round trip in safe mode, custom layer included."""

import keras
import numpy as np
import pytest

from kerasmap.models import PositionEmbedding

SAVED_MODELS = [
    ("attention", (28, 28, 1), {}),
    ("attention", (28, 28, 1), {"patch_size": 7}),
    ("attention", (20,), {}),
    ("mlp", (28, 28, 1), {"dropout": 0.2, "l2": 1e-4}),
    ("cnn", (32, 32, 3), {"batch_norm": True}),
    ("lstm", (20,), {"cell": "gru", "bidirectional": True}),
]


@pytest.mark.parametrize(("family", "input_shape", "options"), SAVED_MODELS)
def test_saved_model_predicts_the_same(
    build_tiny, random_examples, tmp_path, family, input_shape, options
):
    model = build_tiny(family, input_shape=input_shape, **options)
    x, _ = random_examples(input_shape, tokens=len(input_shape) == 1 and family != "mlp")
    path = tmp_path / f"{family}.keras"

    model.save(path)
    loaded = keras.saving.load_model(path)

    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_position_embedding_config_round_trips():
    layer = PositionEmbedding(16, name="positions")

    restored = keras.layers.deserialize(keras.layers.serialize(layer))

    assert isinstance(restored, PositionEmbedding)
    assert restored.get_config() == layer.get_config()
    assert restored.sequence_length == 16


def test_position_embedding_adds_a_learned_vector_per_position():
    layer = PositionEmbedding(3)
    inputs = np.zeros((2, 3, 4), dtype="float32")

    outputs = keras.ops.convert_to_numpy(layer(inputs))

    assert outputs.shape == (2, 3, 4)
    np.testing.assert_array_equal(outputs[0], outputs[1])
    np.testing.assert_array_equal(outputs[0], keras.ops.convert_to_numpy(layer.position_embeddings))


def test_position_embedding_rejects_a_sequence_of_another_length():
    with pytest.raises(ValueError, match=r"sequence_length=3\) received inputs with 5 steps"):
        PositionEmbedding(3)(np.zeros((2, 5, 4), dtype="float32"))
