"""A small convolutional network for images, after the keras-io MNIST convnet."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import invalid_argument


def build_cnn(
    input_shape,
    num_classes,
    *,
    task,
    filters,
    kernel_size,
    dense_units,
    batch_norm,
    dropout,
    l1,
    l2,
):
    """Builds conv blocks that halve the image, then a dense layer and the head.

    Each block is `Conv2D` (same padding), optional `BatchNormalization`, `ReLU`,
    `MaxPooling2D(2)` and `Dropout`. With `filters=[32, 64]` and `dense_units=128` this is
    the classic conv 32-64, dense 128 network. The defaults of every option are in
    `conf/model/cnn.yaml`.

    Args:
        input_shape: Shape of one image, `(height, width, channels)`.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        filters: Number of filters of each conv block, first to last.
        kernel_size: Side of the square convolution kernels.
        dense_units: Width of the dense layer before the head.
        batch_norm: Whether to normalize each convolution's output.
        dropout: Dropout rate after each block and after the dense layer.
        l1: L1 penalty on the convolution and dense kernels.
        l2: L2 penalty on the convolution and dense kernels.

    Returns:
        An uncompiled functional `keras.Model` named `"cnn"`.

    Raises:
        ConfigError: If the input is not an image, or the image is too small to be
            halved once per block.
    """
    if len(input_shape) != 3:
        expected = "an image shape (height, width, channels) for the cnn model"
        raise invalid_argument("input_shape", expected, tuple(input_shape))
    # Each block halves the image, which must keep at least one pixel per side.
    max_blocks = min(input_shape[:2]).bit_length() - 1
    if len(filters) > max_blocks:
        expected = f"at most {max_blocks} conv blocks for a {input_shape[0]}x{input_shape[1]} image"
        raise invalid_argument("filters", expected, list(filters))
    regularizer = kernel_regularizer(l1, l2)
    head = output_layer(task, num_classes)

    inputs = keras.Input(shape=input_shape)
    x = inputs
    for block_filters in filters:
        x = _conv_block(x, block_filters, kernel_size, batch_norm, dropout, regularizer)
    x = layers.Flatten()(x)
    x = layers.Dense(dense_units, activation="relu", kernel_regularizer=regularizer)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, head(x), name="cnn")


def _conv_block(x, filters, kernel_size, batch_norm, dropout, regularizer):
    """Conv2D, optional BatchNormalization, ReLU, MaxPooling2D(2), optional Dropout."""
    # Batch normalization has its own shift, so the convolution needs no bias.
    x = layers.Conv2D(
        filters,
        kernel_size,
        padding="same",
        use_bias=not batch_norm,
        kernel_regularizer=regularizer,
    )(x)
    if batch_norm:
        x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D(2)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return x
