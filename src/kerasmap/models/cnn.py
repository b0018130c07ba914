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
    residual,
):
    """Builds conv blocks that halve the image, then a dense layer and the head.

    Each block is `Conv2D` (same padding), optional `BatchNormalization`, `ReLU`,
    `MaxPooling2D(2)` and `Dropout`. With `filters=[32, 64]` and `dense_units=128` this is
    the classic conv 32-64, dense 128 network. With `residual=True` each block's
    convolution is a ResNet basic block instead: two convolutions whose output is added
    to the block's input (through a 1x1 convolution where the width changes) before the
    `ReLU`. The defaults of every option are in `conf/model/cnn.yaml`.

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
        residual: Whether each block is a residual block of two convolutions.

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
        conv = _residual_conv if residual else _conv
        x = conv(x, block_filters, kernel_size, batch_norm, regularizer)
        x = layers.MaxPooling2D(2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense_units, activation="relu", kernel_regularizer=regularizer)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, head(x), name="cnn")


def _conv(x, filters, kernel_size, batch_norm, regularizer, activation="relu"):
    """Conv2D, then optional BatchNormalization, then the activation (`None`: none)."""
    # Batch normalization has its own shift, so the convolution needs no bias; without
    # it, the activation is the convolution's own.
    x = layers.Conv2D(
        filters,
        kernel_size,
        padding="same",
        activation=None if batch_norm else activation,
        use_bias=not batch_norm,
        kernel_regularizer=regularizer,
    )(x)
    if batch_norm:
        x = layers.BatchNormalization()(x)
        if activation:
            x = layers.Activation(activation)(x)
    return x


def _residual_conv(x, filters, kernel_size, batch_norm, regularizer):
    """A ResNet basic block: ReLU(conv(conv(x)) + x), x widened by a 1x1 conv if needed."""
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = _conv(x, filters, 1, batch_norm, regularizer, activation=None)
    x = _conv(x, filters, kernel_size, batch_norm, regularizer)
    x = _conv(x, filters, kernel_size, batch_norm, regularizer, activation=None)
    return layers.ReLU()(layers.Add()([x, shortcut]))
