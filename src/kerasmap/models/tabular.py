"""The default model for tables: an MLP of k members sharing one body (TabM-mini).

TabM (Gorishniy et al., ICLR 2025) trains k networks at the price of about one: every
member sees the input through its own multiplicative adapter (a vector of random signs at
first), then all members share the hidden layers, and each has its own output layer. Each
member is trained on its own loss (`kerasmap.training.members`), and the prediction is the
mean of the members' probabilities, so the model is an ensemble that costs one MLP per
member in arithmetic but a single MLP in parameters. Numbers arrive standardised; a smooth
clip (`x / sqrt(1 + (x / 3)^2)`, as RealMLP does) keeps a far outlier from swamping a
layer while leaving the usual range almost untouched.

The model's output has a member axis: `(batch, ensemble_size, classes)`, one unit for
binary and regression. `kerasmap.training.members.member_average` turns it into the
ensemble's prediction after training.
"""

import keras
import numpy as np
from keras import layers, ops

from kerasmap.models.head import output_activation, output_units
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import check_activation, invalid_argument

CLIP_SCALE = 3.0  # standardised values beyond about 3 standard deviations are compressed


def build_tabular(
    input_shape, num_classes, *, task, hidden_units, activation, dropout, ensemble_size, l1, l2
):
    """Builds k MLP members that share their hidden layers, each with its own adapter and head.

    Args:
        input_shape: Shape of one example, `(num_features,)`.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        hidden_units: Width of each shared hidden layer, first to last.
        activation: Activation of the hidden layers, a Keras name such as `"relu"`.
        dropout: Dropout rate after each hidden layer.
        ensemble_size: Number of members, k; 1 is a plain MLP with a member axis of one.
        l1: L1 penalty on the hidden kernels.
        l2: L2 penalty on the hidden kernels.

    Returns:
        An uncompiled `keras.Model` named `"tabular"` whose output, named `"members"`, is
        `(batch, ensemble_size, units)`.

    Raises:
        ConfigError: If `activation` is not a Keras activation or `ensemble_size` < 1.
    """
    activation = check_activation("activation", activation)
    units = output_units(task, num_classes)
    if ensemble_size < 1:
        raise invalid_argument("ensemble_size", "an integer >= 1", ensemble_size)
    regularizer = kernel_regularizer(l1, l2)
    inputs = keras.Input(shape=input_shape)
    features = layers.Flatten()(inputs)
    clipped = features / ops.sqrt(1.0 + ops.square(features / CLIP_SCALE))
    members = layers.RepeatVector(ensemble_size)(clipped)
    adapter = layers.EinsumDense(
        "bkd,kd->bkd", output_shape=(ensemble_size, clipped.shape[-1]), kernel_initializer="ones"
    )
    hidden = adapter(members)
    _draw_random_signs(adapter)
    for width in hidden_units:
        hidden = layers.Dense(width, activation=activation, kernel_regularizer=regularizer)(hidden)
        if dropout:
            hidden = layers.Dropout(dropout)(hidden)
    # Each member's bias is the weight of a constant input of one: TFLite cannot convert an
    # EinsumDense bias over (member, unit) when there is a single unit.
    with_one = ops.concatenate([hidden, ops.ones_like(hidden[..., :1])], axis=-1)
    heads = layers.EinsumDense(
        "bkh,khc->bkc", output_shape=(ensemble_size, units), dtype="float32"
    )(with_one)
    outputs = layers.Activation(output_activation(task), dtype="float32", name="members")(heads)
    return keras.Model(inputs, outputs, name="tabular")


def _draw_random_signs(adapter: layers.EinsumDense) -> None:
    """Each member's adapter starts as random signs, so members differ from the first step.

    Set after building rather than by a custom initializer, so the saved model names only
    Keras's own classes. The draw follows numpy's global seed, which the run's `seed` sets.
    """
    signs = np.random.choice(np.array([-1.0, 1.0], dtype=np.float32), size=adapter.kernel.shape)
    adapter.kernel.assign(signs)
