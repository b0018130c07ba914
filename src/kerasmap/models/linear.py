"""A linear model: the honest baseline for tables and texts, one Dense layer on the inputs."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer


def build_linear(input_shape, num_classes, *, task, dropout, l1, l2, vocab_size=None):
    """Builds logistic (or linear) regression on the preprocessed inputs.

    A table arrives as its preprocessed feature vector (standardised numbers, one-hot or
    embedded categories, bags of words), so this is the linear model of scikit-learn's
    usual pipeline; token ids become a bag of words (multi-hot over the vocabulary) first,
    so on texts this is a bag-of-words classifier.

    Args:
        input_shape: Shape of one example without the batch axis.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        dropout: Dropout rate on the inputs.
        l1: L1 penalty on the kernel.
        l2: L2 penalty on the kernel.
        vocab_size: Size of the token vocabulary, for token-id inputs only. Defaults to
            `None`.

    Returns:
        An uncompiled `keras.Sequential` model named `"linear"`.
    """
    dtype = "float32" if vocab_size is None else "int32"
    model = keras.Sequential([keras.Input(shape=input_shape, dtype=dtype)], name="linear")
    if vocab_size is not None:
        model.add(layers.CategoryEncoding(num_tokens=vocab_size, output_mode="multi_hot"))
    model.add(layers.Flatten())
    if dropout:
        model.add(layers.Dropout(dropout))
    model.add(output_layer(task, num_classes, kernel_regularizer(l1, l2)))
    return model
