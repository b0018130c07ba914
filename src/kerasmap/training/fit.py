"""`model.fit` with early stopping on the validation split."""

import sys
from pathlib import Path

import keras
import numpy as np

from kerasmap.data.bundle import DatasetBundle
from kerasmap.errors import TrainingDivergedError
from kerasmap.training.backup import ResumableBackup, completed_epochs


def progress_verbosity() -> int:
    """Keras progress bar on a terminal, one line per epoch in logs and CI."""
    return 1 if sys.stdout.isatty() else 2


def fit_model(
    model: keras.Model,
    bundle: DatasetBundle,
    *,
    epochs: int,
    patience: int,
    monitor: str = "val_loss",
    callbacks=(),
    backup_dir: Path | None = None,
    initial_epoch: int = 0,
    early_stopping: keras.callbacks.EarlyStopping | None = None,
) -> keras.callbacks.History:
    """Fits `model` and leaves it holding the best weights by `monitor`.

    Args:
        model: A compiled model.
        bundle: The prepared datasets.
        epochs: Most epochs to run.
        patience: Epochs without improvement of `monitor` before stopping.
        monitor: Validation metric for early stopping. Defaults to `"val_loss"`.
        callbacks: More Keras callbacks (tracking, schedules). Defaults to `()`.
        backup_dir: Back up every epoch here and resume from a backup found here
            (see `kerasmap.training.backup`); `None` turns resuming off.
            Defaults to `None`.
        initial_epoch: The epoch to start from, for a later phase of training (see
            `kerasmap.training.fine_tuning`). Defaults to `0`.
        early_stopping: The `EarlyStopping` callback to stop with, for one that spans
            several calls; `None` makes one of `monitor` and `patience` that restores the
            best weights. Defaults to `None`.

    Returns:
        The Keras `History` of this attempt (from the resumed epoch on, if resumed).

    Raises:
        TrainingDivergedError: If the loss became NaN or infinite (training stops at
            once, through Keras's `TerminateOnNaN`).
    """
    if early_stopping is None:
        early_stopping = keras.callbacks.EarlyStopping(
            monitor=monitor, patience=patience, restore_best_weights=True
        )
    callbacks = [early_stopping, keras.callbacks.TerminateOnNaN(), *callbacks]
    first_epoch = initial_epoch
    if backup_dir is not None:
        first_epoch = max(initial_epoch, completed_epochs(backup_dir))
        # Last, so an epoch is backed up only after every other callback has seen it.
        callbacks.append(ResumableBackup(str(backup_dir), early_stopping))
    history = model.fit(
        bundle.train_from_epoch(first_epoch, epochs),
        steps_per_epoch=bundle.steps_per_epoch,
        validation_data=bundle.val,
        epochs=epochs,
        initial_epoch=initial_epoch,
        callbacks=callbacks,
        shuffle=False,  # the tf.data pipeline shuffles each epoch in its own seeded order
        verbose=progress_verbosity(),
    )
    require_finite_loss(history)
    return history


def require_finite_loss(history: keras.callbacks.History) -> None:
    """Raises `TrainingDivergedError` if any epoch's training loss is NaN or infinite."""
    losses = np.asarray(history.history.get("loss", []), dtype=float)
    diverged = np.flatnonzero(~np.isfinite(losses))
    if diverged.size:
        raise TrainingDivergedError(
            f"Training diverged: the loss became {losses[diverged[0]]} in epoch "
            f"{diverged[0] + 1}; lower `optimizer.learning_rate` or set `optimizer.clipnorm`."
        )
