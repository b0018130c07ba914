"""Keras optimizers by config name."""

import keras

OPTIMIZERS = {
    "adam": keras.optimizers.Adam,
    "adamw": keras.optimizers.AdamW,
    "sgd": keras.optimizers.SGD,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
}


def make_optimizer(name: str, learning_rate, **options) -> keras.optimizers.Optimizer:
    """Creates a Keras optimizer.

    Args:
        name: One of `"adam"`, `"adamw"`, `"sgd"`, `"rmsprop"`, `"adagrad"`.
        learning_rate: A float or a `keras.optimizers.schedules.LearningRateSchedule`.
        **options: The optimizer's own constructor arguments (`weight_decay`,
            `clipnorm`, `clipvalue`, `momentum`, ...).

    Returns:
        The optimizer.

    Raises:
        ValueError: If `name` is not a known optimizer.
    """
    if name not in OPTIMIZERS:
        raise ValueError(
            f"Received an invalid value for argument `name`, expected one of "
            f"{sorted(OPTIMIZERS)}. Received: name={name!r}"
        )
    return OPTIMIZERS[name](learning_rate=learning_rate, **options)
