"""A multilayer perceptron: the classic baseline for any fixed-size input."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import check_activation, check_positive_ints, check_rate


def build_mlp(
    input_shape,
    num_classes,
    task="multiclass",
    hidden_units=(128,),
    activation="relu",
    dropout=0.0,
    l1=0.0,
    l2=0.0,
):
    """Builds a stack of fully connected layers over the flattened input.

    With the defaults on 28x28 images this is the classic 784-128-10 network.

    Args:
        input_shape: Shape of one example without the batch axis, e.g. `(28, 28, 1)`
            for images or `(num_features,)` for tabular features.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
            Defaults to `"multiclass"`.
        hidden_units: Width of each hidden layer, first to last. Defaults to `(128,)`.
        activation: Activation of the hidden layers. Defaults to `"relu"`.
        dropout: Dropout rate after each hidden layer. Defaults to `0.0`.
        l1: L1 penalty on the hidden kernels. Defaults to `0.0`.
        l2: L2 penalty on the hidden kernels. Defaults to `0.0`.

    Returns:
        An uncompiled `keras.Sequential` model named `"mlp"`.

    Raises:
        ConfigError: If an argument is out of range.
    """
    input_shape = check_positive_ints("input_shape", input_shape)
    hidden_units = check_positive_ints("hidden_units", hidden_units)
    activation = check_activation("activation", activation)
    dropout = check_rate("dropout", dropout)
    regularizer = kernel_regularizer(l1, l2)
    head = output_layer(task, num_classes)

    model = keras.Sequential([keras.Input(shape=input_shape), layers.Flatten()], name="mlp")
    for units in hidden_units:
        model.add(layers.Dense(units, activation=activation, kernel_regularizer=regularizer))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(head)
    return model
