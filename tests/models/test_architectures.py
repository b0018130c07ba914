"""The defaults in `conf/model/*.yaml` are the architectures their names promise."""

import pytest
from keras import layers


def layers_of(model, layer_class):
    return [layer for layer in model.layers if isinstance(layer, layer_class)]


def test_default_mlp_is_784_128_10(build_default):
    model = build_default("mlp", (28, 28, 1))

    assert [layer.units for layer in layers_of(model, layers.Dense)] == [128, 10]
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10 == 101770
    assert not layers_of(model, layers.Dropout)


def test_mlp_dropout_follows_each_hidden_layer(build_default):
    model = build_default("mlp", (2,), num_classes=3, hidden_units=[16, 8], dropout=0.5)

    names = [type(layer).__name__ for layer in model.layers]
    assert names == ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"]


def test_default_cnn_is_conv_32_64_then_dense_128(build_default):
    model = build_default("cnn", (28, 28, 1))

    assert [layer.filters for layer in layers_of(model, layers.Conv2D)] == [32, 64]
    assert [layer.kernel_size for layer in layers_of(model, layers.Conv2D)] == [(3, 3)] * 2
    assert [layer.units for layer in layers_of(model, layers.Dense)] == [128, 10]
    assert len(layers_of(model, layers.MaxPooling2D)) == 2
    assert [layer.rate for layer in layers_of(model, layers.Dropout)] == [0.25] * 3
    assert not layers_of(model, layers.BatchNormalization)


def test_cnn_batch_norm_replaces_the_conv_bias(build_default):
    model = build_default("cnn", (32, 32, 3), batch_norm=True)

    assert len(layers_of(model, layers.BatchNormalization)) == 2
    assert not any(layer.use_bias for layer in layers_of(model, layers.Conv2D))


def test_default_lstm_reads_image_rows_with_one_lstm_128(build_default):
    model = build_default("lstm", (28, 28, 1))

    (recurrent,) = layers_of(model, layers.RNN)
    assert isinstance(recurrent, layers.LSTM)
    assert recurrent.units == 128
    assert tuple(recurrent.input.shape) == (None, 28, 28)
    assert not layers_of(model, layers.Bidirectional)


@pytest.mark.parametrize(
    ("cell", "layer_class"),
    [("lstm", layers.LSTM), ("gru", layers.GRU), ("rnn", layers.SimpleRNN)],
)
def test_lstm_stacks_the_chosen_cell(build_default, cell, layer_class):
    model = build_default("lstm", (28, 28, 1), units=[16, 8], cell=cell)

    recurrent = layers_of(model, layer_class)
    assert [layer.units for layer in recurrent] == [16, 8]
    assert [layer.return_sequences for layer in recurrent] == [True, False]


@pytest.mark.parametrize(
    ("input_shape", "bidirectional", "unrolled"),
    [
        ((28, 28, 1), False, True),
        ((32, 32, 3), True, True),
        ((64, 64, 1), False, False),
        ((20,), False, False),
    ],
    ids=["28-rows", "32-rows-bidirectional", "64-rows", "tokens"],
)
def test_lstm_unrolls_short_image_rows_only(build_default, input_shape, bidirectional, unrolled):
    model = build_default("lstm", input_shape, units=[8, 8], bidirectional=bidirectional)

    recurrent = layers_of(model, layers.RNN) + [
        direction
        for wrapper in layers_of(model, layers.Bidirectional)
        for direction in (wrapper.forward_layer, wrapper.backward_layer)
    ]
    assert len(recurrent) == (4 if bidirectional else 2)
    assert [layer.unroll for layer in recurrent] == [unrolled] * len(recurrent)


def test_bidirectional_lstm_over_tokens_masks_padding(build_default):
    model = build_default("lstm", (20,), num_classes=2, units=[8], bidirectional=True)

    (embedding,) = layers_of(model, layers.Embedding)
    assert embedding.mask_zero
    assert embedding.output_dim == 64
    assert tuple(model.get_layer("head").input.shape) == (None, 16)


@pytest.mark.parametrize(
    ("input_shape", "patch_size", "sequence_length"),
    [((28, 28, 1), None, 28), ((28, 28, 1), 7, 16), ((32, 32, 3), 4, 64), ((20,), None, 20)],
    ids=["rows", "patches", "color-patches", "tokens"],
)
def test_attention_reads_rows_patches_or_tokens(
    build_default, input_shape, patch_size, sequence_length
):
    model = build_default("attention", input_shape, patch_size=patch_size)

    positions = model.get_layer("positions")
    assert isinstance(positions, layers.EinsumDense)
    assert tuple(positions.bias.shape) == (sequence_length, 64)
    assert tuple(positions.output.shape) == (None, sequence_length, 64)
    attention = layers_of(model, layers.MultiHeadAttention)
    assert [layer.num_heads for layer in attention] == [4, 4]
    assert [layer.key_dim for layer in attention] == [16, 16]
