"""`make predict`: a logged model's predictions on a file, a folder or a test split, as CSV.

The model is the run's logged pyfunc model, so its preprocessing and class names come with
it. Batches are read, predicted and written one at a time (bounded memory, a progress bar);
the CSV appears only once it is complete. When the input holds the true labels, the metrics
are printed, and with `log=true` the prediction is recorded as an MLflow run of its own.
"""

import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kerasmap.errors import ConfigError, DataError
from kerasmap.reports.model_reference import ModelReference

log = logging.getLogger(__name__)
TEST_SPLIT = "test"  # INPUT=test: the test split of the data the run trained on
CHANNELS_TO_COLOR_MODE = {1: "grayscale", 3: "rgb", 4: "rgba"}


@dataclass(frozen=True)
class PredictionResult:
    """What a prediction wrote and measured.

    Args:
        output: The CSV written.
        rows: How many examples were predicted.
        metrics: Accuracy and macro F1 (or MSE, MAE, RMSE, R^2) when the input held the true
            labels; else empty.
        files: The files read, in order (none for a test split).
    """

    output: Path
    rows: int
    metrics: dict[str, float]
    files: list[Path]


def predict_to_csv(
    reference: ModelReference,
    source: str,
    output: Path,
    *,
    batch_size: int,
    test_split=None,
) -> PredictionResult:
    """Predicts every example of `source` with the referenced model and writes a CSV.

    Args:
        reference: The model and the run that trained it.
        source: A table, an image file or folder, a text file or folder, or `"test"`.
        output: The CSV to write: one row per example, its id, any carried columns, the
            label, its probability and each class's (or the prediction, for regression).
        batch_size: Examples read and predicted at a time.
        test_split: A function returning the run's `DatasetBundle`, for `source="test"`.

    Raises:
        DataError: If the input cannot be read or lacks what the model reads.
    """
    served = _load(reference)
    data = _input_for(source, served.info, served.model, reference, batch_size, test_split)
    metrics = _running_metrics(served.info)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=output.parent, prefix=f".{output.name}.", delete=False, newline=""
    ) as partial:
        try:
            rows, labelled = _write_predictions(partial, served, data, metrics, source)
        except BaseException:
            os.unlink(partial.name)
            raise
    os.chmod(partial.name, 0o666 & ~_umask())  # a temporary file is private; the CSV is not
    os.replace(partial.name, output)
    _warn_of_unknown_labels(metrics, served.info)
    return PredictionResult(output, rows, metrics.result() if labelled == rows else {}, data.files)


def _write_predictions(csv, served, data, metrics, source: str) -> tuple[int, int]:
    """Predicts batch after batch, appending to `csv`; returns `(rows, rows with labels)`."""
    import keras

    from kerasmap.serving.pyfunc_model import outputs_to_table
    from kerasmap.training.fit import progress_verbosity

    info, rows, labelled = served.info, 0, 0
    # A bar on a terminal; in a log, one line at the end (as `fit` does).
    progress = keras.utils.Progbar(data.total, verbose=progress_verbosity(), unit_name="example")
    for batch in data.batches:
        inputs = batch.inputs if batch.ready else _keras_inputs(served, batch, source)
        outputs = np.asarray(served.model.predict_on_batch(inputs))
        table = outputs_to_table(outputs, info["task"], info["class_names"])
        front = pd.DataFrame({"id": batch.ids})
        if batch.truth is not None:
            if batch.carried.empty:  # a table's target column is carried as it is
                front["true_label" if info["class_names"] else "true_value"] = batch.truth
            metrics.update(batch.truth, table.iloc[:, 0].tolist())
            labelled += len(batch.truth)
        rows_out = pd.concat([front, batch.carried, table], axis=1)
        rows_out.to_csv(csv, header=rows == 0, index=False, float_format="%.6g")
        rows += len(rows_out)
        progress.update(rows)
    return rows, labelled


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _load(reference: ModelReference):
    """The run's `KerasmapModel`: the Keras model, what it reads and its class names."""
    import mlflow

    from kerasmap.reports.model_reference import require_raw_input_model

    require_raw_input_model(reference)
    return mlflow.pyfunc.load_model(reference.model_uri).unwrap_python_model()


def _keras_inputs(served, batch, source: str):
    """The batch as the Keras model takes it; an unreadable value names the input."""
    # MLflow loaded `pyfunc_model.py` as a module of its own: its error class, not ours.
    unusable = sys.modules[type(served).__module__].UnusableInputError
    try:
        return served.keras_inputs(batch.inputs)
    except unusable as error:
        raise DataError(
            f"Received an invalid value for `INPUT` ({str(error).rstrip('.')}; first example "
            f"of the batch: {batch.ids[0]}), expected inputs like those the model trained on. "
            f"Received: INPUT={source}"
        ) from None


def _input_for(source, info, model, reference, batch_size, test_split):
    from kerasmap.serving import prediction_inputs

    kind = info["input"]
    if source == TEST_SPLIT:
        return _test_split_input(test_split(), info)
    if kind == "table":
        target = _recorded_target(reference.run_id)
        columns = list(info["column_types"])
        return prediction_inputs.table_input(source, columns, target, batch_size)
    if kind == "image":
        height, width, channels = model.input_shape[1:]
        # A model that resizes what it reads takes any size; batches need one size.
        size = tuple(info.get("image_size") or (height, width))
        mode = CHANNELS_TO_COLOR_MODE[channels]
        return prediction_inputs.image_input(source, size, mode, info["class_names"], batch_size)
    if kind == "text":
        return prediction_inputs.text_input(source, info["class_names"], batch_size)
    raise ConfigError(
        f"Received an invalid value for `INPUT`, expected `test` for a model of {kind} (it "
        f"reads the test split of the data its run trained on). Received: INPUT={source}"
    )


def _test_split_input(bundle, info):
    from kerasmap.serving.prediction_inputs import InputBatch, PredictionInput

    def batches():
        start = 0
        for inputs, targets in bundle.test.as_numpy_iterator():
            ids = list(range(start, start + len(targets)))
            truth = (
                [info["class_names"][int(target)] for target in targets]
                if info["class_names"]
                else targets.tolist()
            )
            yield InputBatch(ids, inputs, truth=truth, ready=True)
            start += len(targets)

    return PredictionInput(batches(), bundle.num_test, [])


def _recorded_target(run_id: str) -> str | None:
    """The target column of a table's run, from its `data/description.json`."""
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        return mlflow.artifacts.load_dict(f"runs:/{run_id}/data/description.json").get("target")
    except MlflowException:
        return None


def _running_metrics(info: dict):
    from kerasmap.evaluation.running_metrics import RunningClassification, RunningRegression

    return (
        RunningClassification(info["class_names"]) if info["class_names"] else RunningRegression()
    )


def _warn_of_unknown_labels(metrics, info: dict) -> None:
    unknown = getattr(metrics, "unknown", {})
    if unknown:
        log.warning(
            "Leaving %d examples out of the metrics: their labels (%s) are not classes the "
            "model knows (%s).",
            sum(unknown.values()),
            ", ".join(sorted(unknown)[:5]),
            ", ".join(info["class_names"]),
        )
