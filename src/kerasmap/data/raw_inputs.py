"""Preprocessing inside the model, so a logged model takes raw rows, raw images and raw texts.

Each builder adapts Keras's own preprocessing layers to the training split and returns a
`keras.Model` from the raw inputs to what a model family reads: a feature vector for a table,
token ids for texts, scaled pixels of one size for images.

Why not `keras.utils.FeatureSpace` for tables: a missing number must become the training
median plus a missing-indicator, and a date must become elapsed time and cyclic day-of-week
and day-of-year features, before any of FeatureSpace's layers see them. Those steps are
`keras.ops` in the model's graph, which FeatureSpace's own inputs leave no room for; the
layers FeatureSpace would use (`Normalization`, `StringLookup`, `IntegerLookup`,
`TextVectorization`) are used here directly.
"""

import math

import keras
import numpy as np
from keras import layers, ops

from kerasmap.serving.pyfunc_model import MISSING_TOKEN, STRING_TYPES, input_name

MAX_ONE_HOT = 32  # categories beyond this many are embedded instead of one-hot encoded
EMBEDDING_DIM = 8
TEXT_COLUMN_TOKENS = 1000  # bag-of-words size of a free-text column of a table
DAYS_PER_YEAR = 365.2425


def table_preprocessor(columns: dict[str, np.ndarray], column_types: dict[str, str]) -> keras.Model:
    """Raw table columns (`{name: (n, 1) array}`) to one float feature vector.

    Args:
        columns: The training split's columns, as `kerasmap.serving.pyfunc_model` reads them
            (keyed by `input_name`).
        column_types: The type of each column, by the column's name in the table.
    """
    inputs, encoded = {}, []
    for column, column_type in column_types.items():
        name = input_name(column)
        dtype = "string" if column_type in STRING_TYPES else "float32"
        inputs[name] = keras.Input(shape=(1,), name=name, dtype=dtype)
        encoded += ENCODERS[column_type](inputs[name], columns[name])
    features = encoded[0] if len(encoded) == 1 else layers.Concatenate()(encoded)
    return keras.Model(inputs, features, name="table_preprocessing")


def _numeric(column, values: np.ndarray) -> list:
    """Missing cells take the training median and raise a missing-indicator; then standardised."""
    present = values[~np.isnan(values)]
    median = float(np.median(present))
    missing = ops.isnan(column)
    filled = ops.where(missing, median, column)
    scale = layers.Normalization(mean=float(present.mean()), variance=_variance(present))
    encoded = [scale(filled)]
    if np.isnan(values).any():
        encoded.append(ops.cast(missing, "float32"))
    return encoded


def _variance(values: np.ndarray) -> float:
    """The variance to divide by; a constant column is centred, not divided by zero."""
    return float(values.var()) or 1.0


def _integer_category(column, values: np.ndarray) -> list:
    """Integer codes looked up in the training vocabulary; a missing cell is its own code."""
    present = values[~np.isnan(values)]
    missing_code = int(present.min()) - 1
    codes = ops.cast(ops.where(ops.isnan(column), float(missing_code), column), "int64")
    vocabulary = sorted(
        {int(code) for code in present} | ({missing_code} if np.isnan(values).any() else set())
    )
    return [_lookup(layers.IntegerLookup, vocabulary, codes)]


def _string_category(column, values: np.ndarray) -> list:
    """Strings looked up in the training vocabulary; a missing cell is `(missing)`."""
    vocabulary = sorted(set(values.reshape(-1).tolist()))
    return [_lookup(layers.StringLookup, vocabulary, column)]


def _lookup(lookup_layer, vocabulary: list, column):
    """One-hot for a few categories, a learned embedding for many; unseen ones share a slot."""
    if len(vocabulary) <= MAX_ONE_HOT:
        return lookup_layer(vocabulary=vocabulary, output_mode="one_hot")(column)
    indices = lookup_layer(vocabulary=vocabulary)(column)
    embedded = layers.Embedding(len(vocabulary) + 1, EMBEDDING_DIM)(indices)
    return layers.Flatten()(embedded)


def _text(column, values: np.ndarray) -> list:
    """A bag of the training split's most frequent words."""
    vectorizer = layers.TextVectorization(max_tokens=TEXT_COLUMN_TOKENS, output_mode="multi_hot")
    words = [text for text in values.reshape(-1).tolist() if text != MISSING_TOKEN]
    vectorizer.adapt(np.array(words or [""], dtype=object))
    return [layers.Flatten()(vectorizer(column))]


def _datetime(column, values: np.ndarray) -> list:
    """Days since 1970 as elapsed time; day of week, day of year and, for times, the time of
    day as angles (sine and cosine, so that 23:00 lies next to 00:00)."""
    elapsed = _numeric(column, values)
    days = ops.where(ops.isnan(column), float(np.nanmedian(values)), column)
    week = (days + 3.0) % 7.0 * (2 * math.pi / 7)  # 1970-01-01 was a Thursday: Monday is 0
    year = days % DAYS_PER_YEAR * (2 * math.pi / DAYS_PER_YEAR)
    angles = [week, year]
    if np.any(np.nan_to_num(values) % 1):  # the training dates carry times
        angles.append(days % 1.0 * (2 * math.pi))
    return [*elapsed, *(wave for angle in angles for wave in (ops.sin(angle), ops.cos(angle)))]


ENCODERS = {
    "numeric": _numeric,
    "boolean": _numeric,
    "integer_category": _integer_category,
    "string_category": _string_category,
    "text": _text,
    "datetime": _datetime,
}


def text_preprocessor(texts: np.ndarray, max_tokens: int, sequence_length: int) -> keras.Model:
    """Raw strings to padded token ids, with a vocabulary of the training texts."""
    vectorizer = layers.TextVectorization(
        max_tokens=max_tokens, output_sequence_length=sequence_length
    )
    vectorizer.adapt(texts)
    inputs = keras.Input(shape=(), dtype="string", name="text")
    return keras.Model(inputs, vectorizer(inputs), name="text_preprocessing")


def image_preprocessor(image_size: tuple[int, int], channels: int) -> keras.Model:
    """Raw uint8 pixels of any size to `image_size`, scaled to [0, 1]."""
    inputs = keras.Input(shape=(None, None, channels), name="image")
    resized = layers.Resizing(*image_size)(inputs)
    return keras.Model(inputs, layers.Rescaling(1 / 255)(resized), name="image_preprocessing")
