"""A multilayer perceptron: the classic baseline for any fixed-size input."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import check_activation


def build_mlp(input_shape, num_classes, *, task, hidden_units, activation, dropout, l1, l2):
    """Builds a stack of fully connected layers over the flattened input.

    With `hidden_units=[128]` on 28x28 images this is the classic 784-128-10 network.
    The defaults of every option are in `conf/model/mlp.yaml`.

    Args:
        input_shape: Shape of one example without the batch axis, e.g. `(28, 28, 1)`
            for images or `(num_features,)` for tabular features.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        hidden_units: Width of each hidden layer, first to last.
        activation: Activation of the hidden layers, a Keras name such as `"relu"`.
        dropout: Dropout rate after each hidden layer.
        l1: L1 penalty on the hidden kernels.
        l2: L2 penalty on the hidden kernels.

    Returns:
        An uncompiled `keras.Sequential` model named `"mlp"`.

    Raises:
        ConfigError: If `activation` is not a Keras activation.
    """
    activation = check_activation("activation", activation)
    regularizer = kernel_regularizer(l1, l2)
    head = output_layer(task, num_classes)

    model = keras.Sequential([keras.Input(shape=input_shape), layers.Flatten()], name="mlp")
    for units in hidden_units:
        model.add(layers.Dense(units, activation=activation, kernel_regularizer=regularizer))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(head)
    return model
