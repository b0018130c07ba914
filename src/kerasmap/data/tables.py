"""A user's table: read from CSV, TSV or Parquet, its column types inferred, its task decided."""

import codecs
import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kerasmap.data.source_files import check_file, invalid_path
from kerasmap.errors import ConfigError, DataError

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXPECTED = "a table: a .csv or .tsv file with a header row, or a .parquet file"
SNIFF_BYTES = 64 * 1024
MAX_CATEGORY_CODES = 10  # integers with at most this many distinct values are categories
MAX_CATEGORIES = 50  # strings with at most this many distinct values are categories
MAX_REGRESSION_CLASSES = 20  # a numeric target with more distinct values is regressed
DATE_SHARE = 0.95  # a text column is dates when this share of its cells parses as dates


def read_table(path: str | Path, key: str = "data.path") -> pd.DataFrame:
    """Reads a table, detecting the delimiter of a text file.

    Raises:
        DataError: If the file is missing, empty, not UTF-8 text, not a table, or reads as a
            single column.
    """
    file = check_file(path, EXPECTED, key)
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(file)
        except Exception as error:  # pyarrow raises several kinds for a file that is not Parquet
            problem = f"it is not a readable Parquet file ({error})"
            raise invalid_path(path, problem, EXPECTED, key) from None
    elif suffix in TEXT_SUFFIXES:
        frame = _read_text_table(file, path, key)
    else:
        problem = f"the file type {suffix or '(none)'} is not a table"
        raise invalid_path(path, problem, EXPECTED, key)
    if frame.shape[1] < 2:
        problem = f"it reads as {frame.shape[1]} column ({', '.join(map(str, frame.columns))})"
        raise invalid_path(path, f"{problem}, so no delimiter was recognised", EXPECTED, key)
    if frame.empty:
        raise invalid_path(path, "it has a header but no rows", EXPECTED, key)
    return frame


def read_table_in_chunks(
    path: str | Path, rows: int, key: str = "data.path"
) -> Iterator[pd.DataFrame]:
    """Reads a table `rows` rows at a time, in memory bounded by the chunk, not the file.

    Raises:
        DataError: If the file is missing, empty, not UTF-8 text or not a table.
    """
    file = check_file(path, EXPECTED, key)
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            batches = pq.ParquetFile(file).iter_batches(batch_size=rows)
        except Exception as error:  # pyarrow raises several kinds for a file that is not Parquet
            problem = f"it is not a readable Parquet file ({error})"
            raise invalid_path(path, problem, EXPECTED, key) from None
        return (batch.to_pandas() for batch in batches)
    if suffix not in TEXT_SUFFIXES:
        problem = f"the file type {suffix or '(none)'} is not a table"
        raise invalid_path(path, problem, EXPECTED, key)
    return _text_chunks(file, _delimiter(file, path, key), rows, path, key)


def count_rows(path: str | Path) -> int:
    """How many rows a table has: Parquet's own count, or a text file's lines less the header."""
    file = Path(path)
    if file.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(file).metadata.num_rows
    with open(file, "rb") as lines:
        return max(sum(1 for _ in lines) - 1, 0)


def _read_text_table(file: Path, path, key: str) -> pd.DataFrame:
    delimiter = _delimiter(file, path, key)
    with _reading(path, key):
        return pd.read_csv(file, sep=delimiter)


def _text_chunks(file: Path, delimiter: str, rows: int, path, key: str) -> Iterator[pd.DataFrame]:
    with _reading(path, key):
        yield from pd.read_csv(file, sep=delimiter, chunksize=rows)


@contextlib.contextmanager
def _reading(path, key: str) -> Iterator[None]:
    """A text table's reading errors as one sentence that names the file."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise _not_utf8(path, error, key) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problem = f"it cannot be read as a table ({error})"
        raise invalid_path(path, problem, EXPECTED, key) from None


def _delimiter(file: Path, path, key: str) -> str:
    """The delimiter of a text table, sniffed from its start; tab or comma by its suffix."""
    try:
        # Incremental: a character cut in two at the end of the sample is not a mistake.
        with open(file, "rb") as start:
            sample = codecs.getincrementaldecoder("utf-8")().decode(start.read(SNIFF_BYTES))
    except UnicodeDecodeError as error:
        raise _not_utf8(path, error, key) from None
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return "\t" if file.suffix.lower() == ".tsv" else ","


def _not_utf8(path, error: UnicodeDecodeError, key: str):
    problem = f"it is not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8"
    return invalid_path(path, problem, EXPECTED, key)


def infer_column_types(frame: pd.DataFrame, overrides: dict[str, str]) -> dict[str, str]:
    """The type of each column: numeric, integer_category, string_category, text, boolean, datetime.

    Args:
        frame: The feature columns, as read.
        overrides: Types given by the user (`data.column_types`), which win.

    Raises:
        DataError: If a column is empty or mixes numbers and text.
        ConfigError: If an override names a column the table does not have.
    """
    for column, column_type in overrides.items():
        if column not in frame.columns:
            raise ConfigError(
                f"Received an unknown column in `data.column_types`, expected one of the feature "
                f"columns {', '.join(map(str, frame.columns))}. Received: {column}={column_type}"
            )
    return {str(column): overrides.get(column) or _infer(frame[column]) for column in frame.columns}


def _infer(values: pd.Series) -> str:
    present = values.dropna()
    if present.empty:
        raise DataError(
            f"Column `{values.name}` is empty in every row; drop it with "
            f"data.drop=[{values.name}] or fill it in."
        )
    if pd.api.types.is_bool_dtype(present) or _all_words_of_truth(present):
        return "boolean"
    if pd.api.types.is_numeric_dtype(present):
        integral = np.all(np.mod(present.to_numpy(dtype=float), 1) == 0)
        return (
            "integer_category"
            if integral and present.nunique() <= MAX_CATEGORY_CODES
            else "numeric"
        )
    text = present.astype(str)
    _reject_mixed_numbers(values, text)
    if pd.to_datetime(text, errors="coerce", format="mixed").notna().mean() >= DATE_SHARE:
        return "datetime"
    if text.nunique() <= MAX_CATEGORIES:
        return "string_category"
    return "text"


def _all_words_of_truth(values: pd.Series) -> bool:
    words = set(values.astype(str).str.strip().str.lower())
    return bool(words) and words <= {"true", "false", "yes", "no"}


def _reject_mixed_numbers(values: pd.Series, text: pd.Series) -> None:
    """A column of numbers with a few words in it is a mistake, not a category."""
    numbers = pd.to_numeric(text, errors="coerce")
    if 0.9 <= numbers.notna().mean() < 1:
        row = numbers.isna().idxmax()
        raise DataError(
            f"Column `{values.name}` holds numbers but also {text[row]!r} in row {row + 1}; clean "
            f"the column, or set data.column_types={{{values.name}: string_category}} to read it "
            f"as categories."
        )


def decide_task(target: pd.Series, requested: str) -> tuple[str, str]:
    """The task for `target` and why: `requested`, or for `auto` judged from the values.

    Returns:
        The task and one sentence saying why it was chosen.
    """
    distinct = target.nunique()
    if requested != "auto":
        return requested, f"data.task={requested}"
    numeric = pd.api.types.is_numeric_dtype(target)
    if numeric and distinct > MAX_REGRESSION_CLASSES:
        return "regression", f"the target is numeric with {distinct} distinct values"
    task = "binary" if distinct == 2 else "multiclass"
    return task, f"the target has {distinct} distinct values"
