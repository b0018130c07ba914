"""The model a cross-validation gives: the average of its members' models, on its parent run.

Every member run (a fold, or a fold of a repeat) logged its own model of raw inputs, with
its own preprocessing adapted to its own training rows and, for regression, its own scale
of the target. Their average is one Keras functional model whose raw inputs feed every
member and whose output is the mean of theirs: the mean probability for classification,
the mean prediction for regression. It is made of Keras's own layers (`Average`), so it is
logged, checked and loaded like a single run's model, without kerasmap.

The members are loaded back from their runs, so that a resumed cross-validation, whose
finished members trained in an earlier process, averages them all the same way.

Metric names on the parent: `test_<name>` and `std_test_<name>` stay the mean and standard
deviation of the members' figures (what a sweep optimises, with `best_<monitor>`, and what
`make compare` shows); the average model's own figures on the same test split are
`ensemble_test_<name>`, and `make promote` judges a parent by them.
"""

import tempfile
from pathlib import Path

import keras
import mlflow

from kerasmap.config import KerasmapConfig
from kerasmap.cross_validation import ENSEMBLE_PREFIX
from kerasmap.reports.model_reference import MODEL_NAME


def log_ensemble(
    parent_id: str, settings: KerasmapConfig, member_ids: list[str]
) -> dict[str, float]:
    """Averages the members' logged models, evaluates the average and logs it on the parent.

    The parent run gets the model (registered too with `tracking.register`), the data's
    `data/description.json`, the model summary and the `task` and `dataset_fingerprint`
    tags, as a single run does.

    Returns:
        The average model's test metrics, named `ensemble_test_<name>`.
    """
    from kerasmap import stages
    from kerasmap.recording import run_record
    from kerasmap.recording.logged_model import log_model
    from kerasmap.recording.registry import register_logged_model

    bundle = stages.prepare(settings)  # the test split of the parent's seed
    model = average_model([member_model(run_id) for run_id in member_ids], bundle.task)
    evaluation = stages.evaluate(model, bundle)
    with mlflow.start_run(run_id=parent_id):
        mlflow.set_tags({"task": bundle.task, "dataset_fingerprint": bundle.fingerprint})
        run_record.log_data_description(bundle)
        run_record.log_model_summary(model)
        model_id = log_model(model, bundle)
    if settings.tracking.register:
        register_logged_model(model_id, settings.tracking.register)
    return {f"{ENSEMBLE_PREFIX}{name}": value for name, value in evaluation.metrics.items()}


def member_model(run_id: str) -> keras.Model:
    """The Keras model a member run logged, uncompiled: the average has no use for its
    optimizer, whose saved state would not fit the one a reloaded average makes."""
    with tempfile.TemporaryDirectory() as folder:
        model_dir = Path(
            mlflow.artifacts.download_artifacts(f"runs:/{run_id}/{MODEL_NAME}", dst_path=folder)
        )
        (keras_file,) = model_dir.glob("artifacts/*.keras")
        return keras.saving.load_model(keras_file, compile=False, safe_mode=True)


def average_model(members: list[keras.Model], task: str) -> keras.Model:
    """One model whose inputs feed every member and whose output is the mean of theirs.

    It is compiled with the loss and metrics of `task`, so it evaluates as a trained
    model does, and frozen, as nothing trains it.
    """
    from kerasmap.models.head import loss_and_metrics

    name = members[0].name
    for number, member in enumerate(members, start=1):
        member.name = f"{name}_{number}"  # a model's layers need names of their own
    inputs = keras.tree.map_structure(
        lambda tensor: keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=tensor.name),
        members[0].input,
    )
    outputs = keras.layers.Average(name="average")([member(inputs) for member in members])
    model = keras.Model(inputs, outputs, name=name)
    model.trainable = False
    loss, metrics = loss_and_metrics(task)
    model.compile(loss=loss, metrics=metrics, jit_compile=False)  # XLA has no string inputs
    return model
