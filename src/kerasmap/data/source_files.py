"""Checks on a user's `data.path` before any dataset file is parsed."""

from pathlib import Path

from kerasmap.errors import DataError


def invalid_path(
    path: str | Path, problem: str, expected: str, key: str = "data.path"
) -> DataError:
    """Builds the one-sentence error for a `data.path` that cannot be used.

    Args:
        path: The `data.path` value the user gave.
        problem: What is wrong with it, e.g. `"file not found"`.
        expected: What `data.path` should point at, e.g. ``"the original `mnist.npz`"``.
        key: The config key that named the file. Defaults to `"data.path"`.

    Returns:
        A `DataError` to raise.
    """
    return DataError(
        f"Received an invalid value for `{key}`: {problem}. Expected {expected}. "
        f"Received: {key}={path}"
    )


def check_file(path: str | Path, expected: str, key: str = "data.path") -> Path:
    """Checks that `path` is an existing, non-empty file.

    Args:
        path: The `data.path` value the user gave.
        expected: What the file should be, for the error message.
        key: The config key that named the file. Defaults to `"data.path"`.

    Returns:
        `path` as a `Path`.

    Raises:
        DataError: If `path` is missing, a directory or an empty file.
    """
    file = Path(path)
    if not file.exists():
        raise invalid_path(path, "file not found", expected, key)
    if not file.is_file():
        raise invalid_path(path, "it is a directory, not a file", expected, key)
    if file.stat().st_size == 0:
        raise invalid_path(path, "the file is empty", expected, key)
    return file


def check_directory(path: str | Path, file_names: tuple[str, ...], expected: str) -> list[Path]:
    """Checks that `path` is a directory holding each of `file_names`.

    Args:
        path: The `data.path` value the user gave.
        file_names: Files the directory must hold.
        expected: What the directory should hold, for the error message.

    Returns:
        The paths of `file_names` inside `path`, in the same order.

    Raises:
        DataError: If `path` is missing or a file, or one of `file_names` is
            missing, not a file or empty.
    """
    folder = Path(path)
    if not folder.exists():
        raise invalid_path(path, "directory not found", expected)
    if not folder.is_dir():
        raise invalid_path(path, "it is a file, not a directory", expected)
    files = [folder / name for name in file_names]
    for file in files:
        if not file.is_file():
            raise invalid_path(path, f"the directory has no file {file.name}", expected)
        if file.stat().st_size == 0:
            raise invalid_path(path, f"the file {file} is empty", expected)
    return files
