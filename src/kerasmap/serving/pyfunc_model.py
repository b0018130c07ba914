"""A kerasmap model as MLflow's pyfunc serves it: raw inputs in, labels and probabilities out.

This file is logged with every model (MLflow's "models from code") and runs when the model
loads, so it imports nothing from kerasmap: numpy, pandas, Keras and MLflow only. The
training pipeline imports the same functions, so a table is turned into model inputs in
exactly one way, when training and when predicting.

What the model reads (`model_info.json`'s `input`): `table` (a DataFrame of rows as they
appear in the file), `text` (a DataFrame or list of documents), `image` (pixels, uint8 or
floats in [0, 255], shape `(n, height, width, channels)`; a grayscale batch may leave out the
channel axis), `features` (an array or DataFrame of numbers) or `tokens` (token ids).

Keras needs tensors; a table has columns of numbers, text, dates and missing cells. The
conversion below only changes representation: numbers and booleans become float32 with NaN
for a missing cell, dates become days since 1970-01-01 (Keras has no date type), categories
and text become strings with `MISSING_TOKEN` for a missing cell. Everything learned (medians,
vocabularies, scales) is done by Keras layers inside the model.
"""

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

MISSING_TOKEN = "(missing)"
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0"})
NUMBER_TYPES = ("numeric", "integer_category", "boolean", "datetime")  # float32 inputs
STRING_TYPES = ("string_category", "text")  # string inputs
COLUMN_TYPES = NUMBER_TYPES + STRING_TYPES
INFO_FILE = "model_info.json"
ONE_BATCH_ROWS = 1024  # inputs of up to this many rows are predicted as one batch


class UnusableInputError(MlflowException, ValueError):
    """The input lacks a column the model reads, or holds a value it cannot read.

    An `MlflowException` of `INVALID_PARAMETER_VALUE`, so that MLflow's scoring server
    answers it with HTTP 400 and this message (other errors in `predict` get a generic one).
    """

    def __init__(self, message: str):
        super().__init__(message, error_code=INVALID_PARAMETER_VALUE)


def column_to_array(values: pd.Series, column_type: str) -> np.ndarray:
    """One table column as the model input it feeds, shape `(n, 1)`.

    Raises:
        UnusableInputError: If a value cannot be read as `column_type`.
    """
    if column_type in STRING_TYPES:
        text = values.astype("string").fillna(MISSING_TOKEN)
        return text.to_numpy(dtype=object).reshape(-1, 1)
    if column_type == "boolean":
        numbers = values.map(_truth, na_action="ignore")
        _require_none(numbers.isna() & values.notna(), values, "true or false")
    elif column_type == "datetime":
        dates = pd.to_datetime(values, errors="coerce", format="mixed")
        unreadable = dates.isna() & values.notna()
        _require_none(unreadable, values, "a date")
        numbers = (dates - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values  # already numbers, as a JSON request's or a file's numeric column is
    else:
        numbers = pd.to_numeric(values, errors="coerce")
        _require_none(numbers.isna() & values.notna(), values, "a number")
    return numbers.to_numpy(dtype=np.float32, na_value=np.nan).reshape(-1, 1)


def _truth(value) -> float:
    """1 for a word of truth (true, yes, 1, ...), 0 for one of falsehood, NaN for anything else."""
    word = str(value).strip().lower()
    return 1.0 if word in TRUE_WORDS else 0.0 if word in FALSE_WORDS else np.nan


def _require_none(unreadable: pd.Series, values: pd.Series, what: str) -> None:
    if unreadable.any():
        row = unreadable.idxmax()
        raise UnusableInputError(
            f"Column `{values.name}` holds {values[row]!r} at index {row}, which is not {what}."
        )


def table_to_inputs(frame: pd.DataFrame, column_types: dict[str, str]) -> dict[str, np.ndarray]:
    """The model's inputs from a table: one array per column the model reads.

    Raises:
        UnusableInputError: If a column is missing or holds a value of the wrong kind.
    """
    missing = [column for column in column_types if column not in frame.columns]
    if missing:
        raise UnusableInputError(
            f"The input lacks the columns {', '.join(missing)}; the model reads "
            f"{', '.join(column_types)}."
        )
    return {
        input_name(column): column_to_array(frame[column], column_type)
        for column, column_type in column_types.items()
    }


def input_name(column: str) -> str:
    """The name of the model input that reads `column`: Keras refuses a `/` in names."""
    return str(column).replace("/", "_")


def texts_to_inputs(frame: pd.DataFrame) -> np.ndarray:
    """The model's input from documents: the first column, one document per row."""
    column = frame[frame.columns[0]] if isinstance(frame, pd.DataFrame) else pd.Series(frame)
    return column.astype("string").fillna("").to_numpy(dtype=object)


def outputs_to_table(outputs: np.ndarray, task: str, class_names: list[str]) -> pd.DataFrame:
    """The model's outputs as a table: the label, its probability and each class's."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if task == "regression":
        return pd.DataFrame({"prediction": outputs.reshape(-1)})
    if task == "binary":
        positive = outputs.reshape(-1)
        outputs = np.stack([1 - positive, positive], axis=1)
    best = outputs.argmax(axis=1)
    columns = {
        "label": [class_names[index] for index in best],
        "probability": outputs.max(axis=1),
    }
    columns |= {f"probability_{name}": outputs[:, index] for index, name in enumerate(class_names)}
    return pd.DataFrame(columns)


def array_to_inputs(model_input, input_shape: tuple, kind: str) -> np.ndarray:
    """Pixels, features or token ids as the Keras model reads them: float32 (ids: int32).

    Raises:
        UnusableInputError: If the array's shape does not fit the model's input.
    """
    array = np.asarray(model_input.to_numpy() if hasattr(model_input, "to_numpy") else model_input)
    if array.ndim == len(input_shape) - 1 and input_shape[-1] == 1:
        array = array[..., np.newaxis]  # grayscale images without their channel axis
    expected = tuple(input_shape[1:])
    fits = array.ndim == len(input_shape) and all(
        size is None or size == given for size, given in zip(expected, array.shape[1:], strict=True)
    )
    if not fits:
        shape = ", ".join("any" if size is None else str(size) for size in expected)
        raise UnusableInputError(
            f"The input has shape {array.shape}; the model reads {kind} of shape (n, {shape})."
        )
    return array.astype(np.int32 if kind == "tokens" else np.float32)


class KerasmapModel(mlflow.pyfunc.PythonModel):
    """Loads the Keras model (safe mode) and what it needs to read raw inputs and name labels."""

    def load_context(self, context):
        import keras

        self.info = json.loads(Path(context.artifacts["model_info"]).read_text())
        self.model = keras.saving.load_model(context.artifacts["keras_model"], safe_mode=True)

    # `model_input` is a DataFrame or an array; MLflow checks it against the signature. Of
    # the two types, a hint of either keeps MLflow from converting one into the other.
    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        outputs = self.outputs(self.keras_inputs(model_input))
        return outputs_to_table(outputs, self.info["task"], self.info["class_names"])

    def outputs(self, inputs) -> np.ndarray:
        """The Keras model's outputs: one batch for a few rows, `model.predict` in batches beyond.

        `predict_on_batch` runs Keras's compiled predict function, traced on the first
        request (and once more for a second batch size, after which any size reuses it): a
        20-row table in under a millisecond, where calling the model op by op takes ten.
        `model.predict` builds a dataset each call, tens of milliseconds a few rows do not need.
        """
        first = next(iter(inputs.values())) if isinstance(inputs, dict) else inputs
        if first.shape[0] <= ONE_BATCH_ROWS:
            return np.asarray(self.model.predict_on_batch(inputs))
        return self.model.predict(inputs, verbose=0)

    def keras_inputs(self, model_input):
        """What the Keras model takes, from raw inputs: tensors, one per column for a table.

        Raises:
            UnusableInputError: If the input lacks a column or holds an unreadable value.
        """
        import tensorflow as tf

        kind = self.info["input"]
        if kind == "table":
            inputs = table_to_inputs(pd.DataFrame(model_input), self.info["column_types"])
            return {name: tf.constant(array) for name, array in inputs.items()}
        if kind == "text":
            return tf.constant(texts_to_inputs(model_input))
        return array_to_inputs(model_input, self.model.input_shape, kind)


# MLflow runs this file under a module name of its own when it loads a model; set the model
# then, and not when the training pipeline imports the functions above.
if __name__.startswith("code_model_"):
    mlflow.models.set_model(KerasmapModel())
