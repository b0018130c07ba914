"""Learning-rate decay: a Keras schedule, or a plateau callback."""

import keras


def make_learning_rate(
    name: str,
    base_rate: float,
    *,
    steps_per_epoch: int,
    epochs: int,
    decay_rate: float = 0.9,
    alpha: float = 0.0,
):
    """Returns what to pass as an optimizer's `learning_rate`.

    Args:
        name: `"constant"`, `"exponential"` (multiply by `decay_rate` once per epoch),
            `"cosine"` (cosine decay to `alpha * base_rate` over all epochs) or
            `"plateau"` (constant here; `plateau_callback` lowers it).
        base_rate: The initial learning rate.
        steps_per_epoch: Optimizer steps in one epoch.
        epochs: Epochs planned.
        decay_rate: Per-epoch factor for `"exponential"`. Defaults to `0.9`.
        alpha: Final fraction for `"cosine"`. Defaults to `0.0`.

    Returns:
        A float or a `keras.optimizers.schedules.LearningRateSchedule`.
    """
    if name == "exponential":
        return keras.optimizers.schedules.ExponentialDecay(
            base_rate, decay_steps=steps_per_epoch, decay_rate=decay_rate, staircase=True
        )
    if name == "cosine":
        return keras.optimizers.schedules.CosineDecay(
            base_rate, decay_steps=steps_per_epoch * epochs, alpha=alpha
        )
    return base_rate


def plateau_callback(monitor: str, *, factor: float, patience: int, min_lr: float):
    """Returns Keras's `ReduceLROnPlateau` for the `"plateau"` schedule."""
    return keras.callbacks.ReduceLROnPlateau(
        monitor=monitor, factor=factor, patience=patience, min_lr=min_lr, verbose=0
    )
