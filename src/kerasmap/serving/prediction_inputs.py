"""What `make predict` reads, a batch at a time: raw inputs, their ids and, when known, labels.

A table is read in chunks of rows (CSV, TSV or Parquet); images and texts one batch of files
(or lines) at a time, so memory is bounded by the batch, not by the input.
"""

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kerasmap.data.source_files import check_file, invalid_path

log = logging.getLogger(__name__)
KEY = "INPUT"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
TABLE_EXPECTED = "a .csv, .tsv or .parquet table with the columns the model was trained on"
IMAGE_EXPECTED = "an image file (PNG, JPEG, BMP, GIF) or a folder of them"
TEXT_EXPECTED = "a UTF-8 .txt file with one document per line, or a folder of .txt files"


@dataclass(frozen=True)
class InputBatch:
    """One batch of what is predicted.

    Args:
        ids: Each example's id: its row number in a table, line number in a text file, or
            file name.
        inputs: The raw inputs (a DataFrame or an array), as the logged model takes them.
        carried: Columns copied to the output beside the predictions (a table's columns the
            model does not read); may have no columns.
        truth: Each example's true class name (or value, for regression), when the input
            holds them; else `None`.
        ready: Whether `inputs` are already what the Keras model takes (a dataset's own
            test split), rather than raw inputs.
    """

    ids: list
    inputs: Any
    carried: pd.DataFrame = field(default_factory=pd.DataFrame)
    truth: list | None = None
    ready: bool = False


@dataclass(frozen=True)
class PredictionInput:
    """Batches to predict, how many examples they hold, and the files they come from."""

    batches: Iterator[InputBatch]
    total: int
    files: list[Path]


def table_input(
    path: str, columns: list[str], target: str | None, batch_size: int
) -> PredictionInput:
    """A table's rows; columns the model does not read are carried to the output.

    Raises:
        DataError: If the file is not a table, or lacks columns the model reads.
    """
    from kerasmap.data.tables import count_rows, read_table_in_chunks

    file = check_file(path, TABLE_EXPECTED, KEY)
    chunks = read_table_in_chunks(file, batch_size, KEY)
    first = next(chunks, None)
    if first is None:
        raise invalid_path(path, "it has a header but no rows", TABLE_EXPECTED, KEY)
    missing = [column for column in columns if column not in first.columns]
    if missing:
        problem = f"it lacks the columns {', '.join(missing)} that the model reads"
        raise invalid_path(path, problem, TABLE_EXPECTED, KEY)

    def batches() -> Iterator[InputBatch]:
        start = 0
        for chunk in _chained(first, chunks):
            carried = chunk.drop(columns=columns)
            truth = chunk[target].tolist() if target in chunk.columns else None
            ids = list(range(start, start + len(chunk)))
            yield InputBatch(ids, chunk[columns], carried.reset_index(drop=True), truth)
            start += len(chunk)

    return PredictionInput(batches(), count_rows(file), [file])


def image_input(
    path: str, image_size: tuple[int, int], color_mode: str, class_names, batch_size: int
) -> PredictionInput:
    """Image files, read and resized as training read them; a class folder is a true label.

    Raises:
        DataError: If the path is neither an image file nor a folder holding images.
    """
    from kerasmap.data.image_files import ImageShape, read_images

    root, files = _files(path, IMAGE_SUFFIXES, IMAGE_EXPECTED)
    truth = dict(zip(files, _labels_from_folders(files, class_names) or [], strict=False))
    shape = ImageShape(tuple(image_size), color_mode, "as the model was trained")

    def batches() -> Iterator[InputBatch]:
        for start in range(0, len(files), batch_size):
            pixels, read = read_images(files[start : start + batch_size], shape)
            if read:
                yield InputBatch(
                    ids=[_name(file, root) for file in read],
                    inputs=pixels,
                    truth=[truth[file] for file in read] if truth else None,
                )

    return PredictionInput(batches(), len(files), files)


def text_input(path: str, class_names, batch_size: int) -> PredictionInput:
    """Documents: the lines of a text file, or the .txt files of a folder (a class folder
    is a true label).

    Raises:
        DataError: If the path is neither a .txt file nor a folder of them, or is not UTF-8.
    """
    if Path(path).is_dir():
        root, files = _files(path, (".txt",), TEXT_EXPECTED)
        truth = _labels_from_folders(files, class_names)

        def batches() -> Iterator[InputBatch]:
            for start in range(0, len(files), batch_size):
                chosen = files[start : start + batch_size]
                yield InputBatch(
                    ids=[_name(file, root) for file in chosen],
                    inputs=pd.DataFrame({"text": [_utf8(file, path) for file in chosen]}),
                    truth=truth[start : start + batch_size] if truth else None,
                )

        return PredictionInput(batches(), len(files), files)
    file = check_file(path, TEXT_EXPECTED, KEY)
    total = sum(1 for _ in _documents(file, path))  # a first pass: counts, and checks UTF-8
    if not total:
        raise invalid_path(path, "it holds no text", TEXT_EXPECTED, KEY)

    def line_batches() -> Iterator[InputBatch]:
        documents = _documents(file, path)
        while chosen := list(itertools.islice(documents, batch_size)):
            yield InputBatch(
                ids=[f"line {number}" for number, _ in chosen],
                inputs=pd.DataFrame({"text": [line for _, line in chosen]}),
            )

    return PredictionInput(line_batches(), total, [file])


def _documents(file: Path, path: str) -> Iterator[tuple[int, str]]:
    """`(line number, line)` of each line that is not blank, read one at a time."""
    with open(file, encoding="utf-8") as lines:
        try:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield number, line.rstrip("\r\n")
        except UnicodeDecodeError:
            problem = f"{file} is not UTF-8 text"
            raise invalid_path(path, problem, TEXT_EXPECTED, KEY) from None


def _chained(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield first
    yield from rest


def _files(path: str, suffixes: tuple[str, ...], expected: str) -> tuple[Path, list[Path]]:
    """`(root, files)`: a file itself, or a folder's files with `suffixes`, sorted."""
    given = Path(path)
    if given.is_dir():
        files = sorted(
            file for file in given.rglob("*") if file.is_file() and file.suffix.lower() in suffixes
        )
        if not files:
            raise invalid_path(
                path, f"the folder holds no {', '.join(suffixes)} files", expected, KEY
            )
        return given, files
    file = check_file(path, expected, KEY)
    if file.suffix.lower() not in suffixes:
        problem = f"the file type {file.suffix or '(none)'} is not one of {', '.join(suffixes)}"
        raise invalid_path(path, problem, expected, KEY)
    return file.parent, [file]


def _labels_from_folders(files: list[Path], class_names) -> list[str] | None:
    """Each file's class, when every file sits in a folder named after a class; else `None`."""
    labels = [file.parent.name for file in files]
    return labels if class_names and set(labels) <= set(class_names) else None


def _name(file: Path, root: Path) -> str:
    return file.relative_to(root).as_posix()


def _utf8(file: Path, path: str) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problem = f"{file} is not UTF-8 text (byte {error.start} cannot be decoded)"
        raise invalid_path(path, problem, TEXT_EXPECTED, KEY) from None
