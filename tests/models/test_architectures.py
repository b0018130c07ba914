"""The defaults are the architectures their names promise."""

import pytest
from keras import layers

from kerasmap.models import (
    PositionEmbedding,
    build_attention,
    build_cnn,
    build_lstm,
    build_mlp,
)


def layers_of(model, layer_class):
    return [layer for layer in model.layers if isinstance(layer, layer_class)]


def test_default_mlp_is_784_128_10():
    model = build_mlp((28, 28, 1), num_classes=10)

    assert [layer.units for layer in layers_of(model, layers.Dense)] == [128, 10]
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10 == 101770
    assert not layers_of(model, layers.Dropout)


def test_mlp_dropout_follows_each_hidden_layer():
    model = build_mlp((2,), num_classes=3, hidden_units=(16, 8), dropout=0.5)

    names = [type(layer).__name__ for layer in model.layers]
    assert names == ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"]


def test_default_cnn_has_two_conv_blocks_and_a_dense_128():
    model = build_cnn((28, 28, 1), num_classes=10)

    assert [layer.filters for layer in layers_of(model, layers.Conv2D)] == [32, 64]
    assert [layer.units for layer in layers_of(model, layers.Dense)] == [128, 10]
    assert len(layers_of(model, layers.MaxPooling2D)) == 2


def test_cnn_batch_norm_replaces_the_conv_bias():
    model = build_cnn((32, 32, 3), num_classes=10, batch_norm=True, dropout=0.25)

    assert len(layers_of(model, layers.BatchNormalization)) == 2
    assert not any(layer.use_bias for layer in layers_of(model, layers.Conv2D))
    assert len(layers_of(model, layers.Dropout)) == 3


@pytest.mark.parametrize(
    ("cell", "layer_class"),
    [("lstm", layers.LSTM), ("gru", layers.GRU), ("rnn", layers.SimpleRNN)],
)
def test_lstm_stacks_the_chosen_cell_over_image_rows(cell, layer_class):
    model = build_lstm((28, 28, 1), num_classes=10, units=(128, 128), cell=cell)

    recurrent = layers_of(model, layer_class)
    assert [layer.units for layer in recurrent] == [128, 128]
    assert [layer.return_sequences for layer in recurrent] == [True, False]
    assert tuple(recurrent[0].input.shape) == (None, 28, 28)


def test_bidirectional_lstm_over_tokens_masks_padding():
    model = build_lstm((20,), num_classes=2, units=(8,), bidirectional=True, vocab_size=50)

    (embedding,) = layers_of(model, layers.Embedding)
    assert embedding.mask_zero
    assert tuple(model.get_layer("head").input.shape) == (None, 16)


@pytest.mark.parametrize(
    ("input_shape", "patch_size", "sequence_length"),
    [((28, 28, 1), None, 28), ((28, 28, 1), 7, 16), ((32, 32, 3), 4, 64), ((20,), None, 20)],
)
def test_attention_reads_rows_patches_or_tokens(input_shape, patch_size, sequence_length):
    vocab_size = 50 if len(input_shape) == 1 else None
    model = build_attention(
        input_shape, num_classes=10, patch_size=patch_size, vocab_size=vocab_size
    )

    (position,) = layers_of(model, PositionEmbedding)
    assert position.sequence_length == sequence_length
    attention = layers_of(model, layers.MultiHeadAttention)
    assert [layer.num_heads for layer in attention] == [4, 4]
    assert [layer.key_dim for layer in attention] == [16, 16]
    assert tuple(position.output.shape) == (None, sequence_length, 64)
