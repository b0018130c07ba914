"""A user's table (CSV, TSV or Parquet): one column is the target, the others the features."""

import logging

import numpy as np
import pandas as pd

from kerasmap.data.arrays import RawSplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.splits import stratified_split
from kerasmap.data.tables import decide_task, infer_column_types, read_table
from kerasmap.errors import ConfigError, DataError

log = logging.getLogger(__name__)
NUM_EXAMPLE_ROWS = 5


def load_table(
    path: str,
    *,
    target: str,
    task: str,
    features: list[str] | None,
    drop: list[str],
    test_path: str | None,
    test_fraction: float,
    stratify: bool,
    column_types: dict[str, str],
    seed: int,
) -> RawSplits:
    """Reads a table and splits it into training and test rows of raw columns.

    Args:
        path: A `.csv`, `.tsv` or `.parquet` file with a header row.
        target: The column to predict.
        task: `auto`, `multiclass`, `binary` or `regression`; `auto` decides from the target.
        features: The columns to read; `None` reads every other column.
        drop: Columns to leave out.
        test_path: A file of test rows with the same columns; `None` carves them from `path`.
        test_fraction: The share of rows held out for testing when there is no `test_path`.
        stratify: Keep the class proportions in the test and validation splits.
        column_types: Column types that override the inferred ones.
        seed: Seed of the test split.

    Raises:
        ConfigError: If `target`, a feature or a dropped column is not a column.
        DataError: If a file is not a usable table, or the target cannot be learned.
    """
    frame = _rows_with_target(read_table(path), target, "data.path")
    columns = _feature_columns(frame, target, features, drop)
    types = infer_column_types(frame[columns], column_types)
    task, reason = decide_task(frame[target], task)
    if test_path is None:
        train, test = _split(frame, target, task, test_fraction, stratify, seed)
        files = [path]
    else:
        test = read_table(test_path, "data.test_path")
        train, test = frame, _rows_with_target(test, target, "data.test_path")
        files = [path, test_path]
    class_names = _class_names(train[target], task)
    log.info("Task: %s (%s).", task, reason)
    return RawSplits(
        x_train=_inputs(train, types, "data.path"),
        y_train=_targets(train[target], class_names, task, "data.path"),
        x_test=_inputs(test, types, "data.test_path" if test_path else "data.path"),
        y_test=_targets(test[target], class_names, task, "data.test_path"),
        class_names=tuple(class_names),
        fingerprint=fingerprint_files(files),
        input_kind="table",
        task=task,
        preprocessor=lambda columns: _preprocessor(columns, types),
        stratify=stratify and task != "regression",
        description={
            "task": task,
            "task_reason": reason,
            "target": target,
            "column_types": types,
            "class_names": class_names,
        },
        raw_example=test[columns].head(NUM_EXAMPLE_ROWS).reset_index(drop=True),
    )


def _rows_with_target(frame: pd.DataFrame, target: str, key: str) -> pd.DataFrame:
    """The rows whose target is known; the others are left out with a warning that counts them."""
    if target not in frame.columns:
        raise ConfigError(
            f"Received an invalid value for `data.target`, expected a column of `{key}`: "
            f"{', '.join(map(str, frame.columns))}. Received: data.target={target}"
        )
    unknown = frame[target].isna()
    if unknown.all():
        raise DataError(f"The target `{target}` has no value in any row of `{key}`; fill it in.")
    if unknown.any():
        log.warning(
            "%d of %d rows of %s have no %s; they are left out.",
            unknown.sum(),
            len(frame),
            key,
            target,
        )
    return frame[~unknown]


def _feature_columns(frame: pd.DataFrame, target: str, features, drop) -> list[str]:
    known = [str(column) for column in frame.columns]
    for key, names in (("data.features", features or []), ("data.drop", drop)):
        unknown = [name for name in names if name not in known]
        if unknown:
            raise ConfigError(
                f"Received columns the table does not have in `{key}`, expected some of "
                f"{', '.join(known)}. Received: {key}={unknown}"
            )
    chosen = features if features is not None else [name for name in known if name != target]
    columns = [name for name in chosen if name not in drop and name != target]
    if not columns:
        raise ConfigError(
            f"Received no feature columns, expected at least one column besides the target "
            f"`{target}`. Received: data.features={features}, data.drop={drop}"
        )
    return columns


def _split(frame, target, task, test_fraction, stratify, seed):
    """Seeded training and test rows; stratified for classification unless told otherwise."""
    held_out = round(len(frame) * test_fraction)
    if not 1 <= held_out < len(frame):
        raise ConfigError(
            f"Received an invalid value for `data.test_fraction`, expected a fraction that leaves "
            f"at least one of the {len(frame)} rows in each of the training and test splits. "
            f"Received: data.test_fraction={test_fraction}"
        )
    if stratify and task != "regression":
        labels = frame[target].astype(str).to_numpy()
        kept, test = stratified_split(labels, held_out, seed, can_unstratify=True)
    else:
        order = np.random.default_rng(seed).permutation(len(frame))
        kept, test = np.sort(order[held_out:]), np.sort(order[:held_out])
    return frame.iloc[kept], frame.iloc[test]


def _class_names(target: pd.Series, task: str) -> list[str]:
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(target):
            raise DataError(
                f"The target `{target.name}` holds text, so it cannot be regressed; "
                f"use data.task=auto or a classification task."
            )
        return []
    names = sorted(target.astype(str).unique())
    if len(names) < 2:
        raise DataError(
            f"The target `{target.name}` has a single class ({names[0]!r}) in the training rows; "
            f"a classifier needs at least two."
        )
    if task == "binary" and len(names) != 2:
        raise DataError(
            f"Received data.task=binary for the target `{target.name}`, which has {len(names)} "
            f"classes; use data.task=multiclass or data.task=auto."
        )
    return names


def _targets(values: pd.Series, class_names: list[str], task: str, key: str) -> np.ndarray:
    if task == "regression":
        return values.to_numpy(dtype=np.float32)
    index = {name: code for code, name in enumerate(class_names)}
    labels = values.astype(str)
    unseen = sorted(set(labels) - set(index))
    if unseen:
        raise DataError(
            f"The target `{values.name}` of `{key}` holds classes the training rows do not "
            f"have: {', '.join(unseen)}; expected some of {', '.join(class_names)}."
        )
    return labels.map(index).to_numpy(dtype=np.int64)


def _inputs(frame: pd.DataFrame, types: dict[str, str], key: str) -> dict[str, np.ndarray]:
    from kerasmap.serving.pyfunc_model import UnusableInputError, table_to_inputs

    try:
        return table_to_inputs(frame, types)
    except UnusableInputError as error:
        raise DataError(
            f"In `{key}`: {error} Clean the column or set its type in data.column_types."
        ) from None


def _preprocessor(columns: dict[str, np.ndarray], types: dict[str, str]):
    from kerasmap.data.raw_inputs import table_preprocessor

    return table_preprocessor(columns, types)
