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
    warmup_epochs: float = 0.0,
):
    """Returns what to pass as an optimizer's `learning_rate`.

    Args:
        name: `"constant"`, `"exponential"` (multiply by `decay_rate` once per epoch),
            `"cosine"` (after `warmup_epochs` of linear warm-up from 0, cosine decay to
            `alpha * base_rate` over the remaining epochs) or
            `"plateau"` (constant here; `plateau_callback` lowers it).
        base_rate: The initial learning rate.
        steps_per_epoch: Optimizer steps in one epoch.
        epochs: Epochs planned.
        decay_rate: Per-epoch factor for `"exponential"`. Defaults to `0.9`.
        alpha: Final fraction for `"cosine"`. Defaults to `0.0`.
        warmup_epochs: Epochs of linear warm-up for `"cosine"`. Defaults to `0.0`.

    Returns:
        A float or a `keras.optimizers.schedules.LearningRateSchedule`.
    """
    if name == "exponential":
        return keras.optimizers.schedules.ExponentialDecay(
            base_rate, decay_steps=steps_per_epoch, decay_rate=decay_rate, staircase=True
        )
    if name == "cosine":
        warmup_steps = round(warmup_epochs * steps_per_epoch)
        decay_steps = steps_per_epoch * epochs - warmup_steps
        if not warmup_steps:
            return keras.optimizers.schedules.CosineDecay(
                base_rate, decay_steps=decay_steps, alpha=alpha
            )
        return keras.optimizers.schedules.CosineDecay(
            0.0,
            decay_steps=decay_steps,
            alpha=alpha,
            warmup_target=base_rate,
            warmup_steps=warmup_steps,
        )
    return base_rate


def plateau_callback(monitor: str, *, factor: float, patience: int, min_lr: float):
    """Returns Keras's `ReduceLROnPlateau` for the `"plateau"` schedule."""
    return keras.callbacks.ReduceLROnPlateau(
        monitor=monitor, factor=factor, patience=patience, min_lr=min_lr, verbose=0
    )
