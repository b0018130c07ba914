"""Transfer learning in two phases of one run: the new layers on a frozen backbone, then all.

As in the keras-io guides "Transfer learning & fine-tuning" and "Image classification via
fine-tuning with EfficientNet": the first `frozen_epochs` train the new layers while the
backbone stays frozen, as `kerasmap.models.pretrained` builds it; then the backbone is
unfrozen but for its BatchNormalization layers, which stay frozen and, the backbone being
called with `training=False`, keep normalizing with their ImageNet statistics; and the model
is compiled again at a lower learning rate. Each phase is one `fit_model` call on the same
model, the second starting at the epoch where the first ended, so a run records one series
of epochs.

One early stopping spans both phases. The frozen phase runs all its epochs (its patience is
at least their number); the best epoch of either phase is kept, so the weights restored at
the end are the best epoch's; patience counts again from the start of fine-tuning.

A resumed run finds where it was from its backup: a backup of `n` completed epochs is the
frozen phase's while `n <= frozen_epochs` (that phase resumes, then fine-tuning follows),
else fine-tuning's, which is then resumed at once, on the unfrozen model. A phase's backups
are deleted when it ends, as every `fit_model`'s are.
"""

from collections.abc import Callable
from pathlib import Path

import keras

from kerasmap.data.bundle import DatasetBundle
from kerasmap.models.pretrained import backbone_of
from kerasmap.training.backup import completed_epochs
from kerasmap.training.fit import fit_model


class CarriedEarlyStopping(keras.callbacks.EarlyStopping):
    """`EarlyStopping` whose best epoch carries over from one `fit` to the next.

    Keras's callback forgets its best value and weights when a new `fit` begins; this one
    only restarts its patience, so the weights it restores at the end of the last `fit` are
    those of the best epoch of all of them.
    """

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0


def unfreeze_backbone(model: keras.Model) -> None:
    """Makes the backbone trainable, except its BatchNormalization layers."""
    backbone = backbone_of(model)
    backbone.trainable = True
    for layer in backbone.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False


def fit_frozen_then_fine_tuned(
    model: keras.Model,
    bundle: DatasetBundle,
    *,
    frozen_epochs: int,
    epochs: int,
    compile_for_fine_tuning: Callable[[keras.Model], None],
    patience: int,
    monitor: str = "val_loss",
    callbacks=(),
    backup_dir: Path | None = None,
) -> keras.callbacks.History:
    """Fits the new layers on the frozen backbone, then fine-tunes the whole model.

    Args:
        model: A compiled model that `kerasmap.models.pretrained` built, its backbone frozen.
        bundle: The prepared datasets.
        frozen_epochs: Epochs of the frozen phase; from `epochs` on, no fine-tuning.
        epochs: Epochs of both phases together.
        compile_for_fine_tuning: Compiles the unfrozen model with fine-tuning's optimizer.
        patience: Epochs of fine-tuning without improvement of `monitor` before stopping.
        monitor: Validation metric for early stopping. Defaults to `"val_loss"`.
        callbacks: More Keras callbacks, given to both phases. Defaults to `()`.
        backup_dir: Back up every epoch here and resume from a backup found here;
            `None` turns resuming off. Defaults to `None`.

    Returns:
        The Keras `History` of the last phase that ran.
    """
    frozen_epochs = min(frozen_epochs, epochs)
    early_stopping = CarriedEarlyStopping(
        monitor=monitor, patience=max(patience, frozen_epochs), restore_best_weights=True
    )
    resumed = completed_epochs(backup_dir) if backup_dir is not None else 0
    history = None
    if frozen_epochs and resumed <= frozen_epochs:
        history = fit_model(
            model,
            bundle,
            epochs=frozen_epochs,
            patience=patience,
            callbacks=callbacks,
            backup_dir=backup_dir,
            early_stopping=early_stopping,
        )
    if epochs > frozen_epochs:
        unfreeze_backbone(model)
        compile_for_fine_tuning(model)
        early_stopping.patience = patience
        history = fit_model(
            model,
            bundle,
            epochs=epochs,
            patience=patience,
            callbacks=callbacks,
            backup_dir=backup_dir,
            initial_epoch=frozen_epochs,
            early_stopping=early_stopping,
        )
    return history
