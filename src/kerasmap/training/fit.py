"""`model.fit` with early stopping on the validation split."""

import sys

import keras

from kerasmap.data.bundle import DatasetBundle


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
) -> keras.callbacks.History:
    """Fits `model` and leaves it holding the best weights by `monitor`.

    Args:
        model: A compiled model.
        bundle: The prepared datasets.
        epochs: Most epochs to run.
        patience: Epochs without improvement of `monitor` before stopping.
        monitor: Validation metric for early stopping. Defaults to `"val_loss"`.
        callbacks: More Keras callbacks (tracking, schedules). Defaults to `()`.

    Returns:
        The Keras `History` of the run.
    """
    early_stopping = keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=True
    )
    return model.fit(
        bundle.train,
        validation_data=bundle.val,
        epochs=epochs,
        callbacks=[early_stopping, keras.callbacks.TerminateOnNaN(), *callbacks],
        shuffle=False,  # the tf.data pipeline already reshuffles every epoch
        verbose=progress_verbosity(),
    )
