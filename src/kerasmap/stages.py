"""The four pipeline stages as plain functions: prepare, build, fit, evaluate.

Each takes the validated settings (`kerasmap.config.KerasmapConfig`, plain dataclasses) and
returns plain objects, so they run the same from Hydra, a notebook or a test.
"""

from pathlib import Path

import keras
import tensorflow as tf

from kerasmap.config import KerasmapConfig
from kerasmap.config.model import PretrainedConfig
from kerasmap.config.root import require_monitor_exists
from kerasmap.data import prepare_data
from kerasmap.data.bundle import DatasetBundle
from kerasmap.evaluation.evaluate import Evaluation, evaluate_model
from kerasmap.models import build_model
from kerasmap.training.distribution import scaled_learning_rate
from kerasmap.training.execution import resolve_steps_per_execution
from kerasmap.training.fine_tuning import fit_frozen_then_fine_tuned
from kerasmap.training.fit import fit_model
from kerasmap.training.members import has_members, inference_model, training_loss_and_metrics
from kerasmap.training.optimizers import make_optimizer
from kerasmap.training.precision import precision_policy
from kerasmap.training.schedules import make_learning_rate, plateau_callback
from kerasmap.training.seeding import seed_everything
from kerasmap.training.xla import resolve_jit_compile


def prepare(settings: KerasmapConfig, fold: tuple[int, int] | None = None) -> DatasetBundle:
    """Stage 1: seeds everything, loads the dataset and builds its tf.data pipelines.

    With `fold=(k, K)`, fold k of a K-fold split of the training examples validates.
    """
    seed_everything(settings.seed, settings.trainer.deterministic)
    data = settings.data
    bundle = prepare_data(
        data.name,
        kind_task=data.TASK,
        modality=data.MODALITY,
        batch_size=settings.trainer.batch_size,
        seed=settings.seed,
        val_fraction=data.val_fraction,
        limit=data.limit,
        augment=data.augment,
        fold=fold,
        min_batches_per_epoch=settings.trainer.min_batches_per_epoch,
        **data.loader_options(),
    )
    # A table's task is known only now that it is read (`data.task=auto`).
    require_monitor_exists(settings.trainer.monitor, bundle.task)
    return bundle


def build(
    settings: KerasmapConfig,
    bundle: DatasetBundle,
    precision: str,
    strategy: tf.distribute.Strategy,
) -> keras.Model:
    """Stage 2: builds the model family for this data under `precision` and compiles it.

    The model, its metrics and its optimizer are created in `strategy`'s scope, so that a
    mirrored strategy holds a copy of each variable on every replica.
    """
    with strategy.scope():
        return _compiled_model(settings, bundle, precision, strategy.num_replicas_in_sync)


def _compiled_model(
    settings: KerasmapConfig, bundle: DatasetBundle, precision: str, replicas: int
) -> keras.Model:
    options = settings.model.builder_options()
    if bundle.modality == "tokens":
        options["vocab_size"] = bundle.vocab_size
    with precision_policy(precision):
        model = build_model(
            settings.model.name,
            input_shape=bundle.input_shape,
            num_classes=bundle.num_classes,
            task=bundle.task,
            **options,
        )
    if bundle.target_scale is not None:
        # The head predicts standardised targets; this layer turns them back into the
        # target's units, so a large target does not need a large learning rate.
        mean, std = bundle.target_scale
        unscale = keras.layers.Normalization(
            mean=mean, variance=std**2, invert=True, dtype="float32"
        )
        model = keras.Model(model.inputs, unscale(model.outputs[0]), name=model.name)
    if bundle.preprocessor is not None:
        # One model from raw inputs to the head, so the logged model takes raw inputs.
        outputs = model(bundle.preprocessor.output)
        model = keras.Model(bundle.preprocessor.input, outputs, name=settings.model.name)
    optimizer = optimizer_for(settings, bundle.steps_per_epoch, replicas)
    _compile(model, settings, bundle, optimizer, replicas)
    return model


def _compile(
    model: keras.Model,
    settings: KerasmapConfig,
    bundle: DatasetBundle,
    optimizer: keras.optimizers.Optimizer,
    replicas: int,
) -> None:
    loss, metrics = training_loss_and_metrics(
        bundle.task, has_members(model), settings.trainer.label_smoothing
    )
    steps = resolve_steps_per_execution(
        str(settings.trainer.steps_per_execution), bundle.steps_per_epoch, replicas
    )
    jit_compile = resolve_jit_compile(
        settings.trainer.jit_compile,
        settings.model.name,
        bundle.input_kind,
        planned_steps=settings.trainer.planned_epochs(bundle.steps_per_epoch)
        * bundle.steps_per_epoch,
        replicas=replicas,
    )
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        steps_per_execution=steps,
        jit_compile=jit_compile,
    )


def optimizer_for(
    settings: KerasmapConfig,
    steps_per_epoch: int,
    replicas: int = 1,
    fine_tuning_epochs: int | None = None,
) -> keras.optimizers.Optimizer:
    """The Keras optimizer of `settings.optimizer`, its learning rate following the schedule.

    With `trainer.lr_scaling=linear`, the initial rate is multiplied by `replicas`. With
    `fine_tuning_epochs`, it is the optimizer of a pretrained model's fine-tuning: the rate
    is `model.fine_tune_rate` times as high, and the schedule starts again over those epochs,
    without warm-up (the lower rate is what keeps the pretrained weights from being upset).
    """
    schedule = settings.trainer.lr_schedule
    options = settings.optimizer.optimizer_options()
    rate = scaled_learning_rate(options.pop("learning_rate"), settings.trainer.lr_scaling, replicas)
    epochs, warmup_epochs = settings.trainer.planned_epochs(steps_per_epoch), schedule.warmup_epochs
    if fine_tuning_epochs is not None:
        rate, epochs, warmup_epochs = rate * settings.model.fine_tune_rate, fine_tuning_epochs, 0
    learning_rate = make_learning_rate(
        schedule.name,
        rate,
        steps_per_epoch=steps_per_epoch,
        epochs=epochs,
        decay_rate=schedule.decay_rate,
        alpha=schedule.alpha,
        warmup_epochs=warmup_epochs,
    )
    return make_optimizer(settings.optimizer.name, learning_rate, **options)


def fit(
    model: keras.Model,
    bundle: DatasetBundle,
    settings: KerasmapConfig,
    callbacks=(),
    backup_dir: Path | None = None,
) -> keras.callbacks.History:
    """Stage 3: fits with early stopping (best weights restored) and the LR schedule.

    With a `backup_dir`, every epoch is backed up there and a backup found there is
    resumed from its last completed epoch. A pretrained model trains frozen, then is
    fine-tuned (`kerasmap.training.fine_tuning`).
    """
    trainer = settings.trainer
    callbacks = list(callbacks)
    if trainer.lr_schedule.name == "plateau":
        schedule = trainer.lr_schedule
        callbacks.append(
            plateau_callback(
                trainer.monitor,
                factor=schedule.factor,
                patience=schedule.patience,
                min_lr=schedule.min_lr,
            )
        )
    epochs = trainer.planned_epochs(bundle.steps_per_epoch)
    if isinstance(settings.model, PretrainedConfig):
        frozen_epochs = settings.model.frozen_epochs
        return fit_frozen_then_fine_tuned(
            model,
            bundle,
            frozen_epochs=frozen_epochs,
            epochs=epochs,
            compile_for_fine_tuning=lambda unfrozen: _compile_for_fine_tuning(
                unfrozen, settings, bundle, epochs - frozen_epochs
            ),
            patience=trainer.patience,
            monitor=trainer.monitor,
            callbacks=callbacks,
            backup_dir=backup_dir,
        )
    return fit_model(
        model,
        bundle,
        epochs=epochs,
        patience=trainer.patience,
        monitor=trainer.monitor,
        callbacks=callbacks,
        backup_dir=backup_dir,
    )


def _compile_for_fine_tuning(
    model: keras.Model, settings: KerasmapConfig, bundle: DatasetBundle, epochs: int
) -> None:
    strategy = model.distribute_strategy
    with strategy.scope():
        replicas = strategy.num_replicas_in_sync
        optimizer = optimizer_for(settings, bundle.steps_per_epoch, replicas, epochs)
        _compile(model, settings, bundle, optimizer, replicas)


def for_inference(model: keras.Model, bundle: DatasetBundle) -> keras.Model:
    """Between stages 3 and 4: the trained model as it is evaluated and logged.

    An ensemble's members become the model of their mean; a model trained on a loss of
    kerasmap's own is compiled again with Keras's (`kerasmap.training.members`).
    """
    return inference_model(model, bundle.task)


def evaluate(model: keras.Model, bundle: DatasetBundle) -> Evaluation:
    """Stage 4: test metrics and, for classification, confusion matrix and per-class report."""
    return evaluate_model(model, bundle)
