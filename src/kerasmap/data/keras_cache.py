"""Loading through `keras.datasets` when no local copy is given, and fingerprinting its cache."""

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kerasmap.data.fingerprint import fingerprint_arrays, fingerprint_files
from kerasmap.errors import DataError


def download_with_keras(load_data: Callable, dataset: str, original: str, **kwargs):
    """Calls a `keras.datasets` `load_data` function, which downloads on first use.

    Keras raises a bare `Exception` when a download fails, so every failure is
    reported as a `DataError` pointing at `data.path` instead.

    Args:
        load_data: The `keras.datasets.<name>.load_data` function.
        dataset: Human-readable dataset name, for the error message.
        original: The original file(s) a user can point `data.path` at.
        **kwargs: Passed on to `load_data`.

    Returns:
        Whatever `load_data` returns.

    Raises:
        DataError: If `load_data` fails for any reason.
    """
    try:
        return load_data(**kwargs)
    except Exception as error:
        raise DataError(
            f"Could not download {dataset} through `keras.datasets` ({error}); "
            f"set `data.path` to a local copy of {original}."
        ) from error


def keras_datasets_dir() -> Path:
    """Returns the folder where `keras.utils.get_file` caches datasets.

    Returns:
        `<keras home>/datasets`, or `/tmp/.keras/datasets` when the Keras home
        is not writable, mirroring `keras.utils.get_file`.
    """
    # Keras reads KERAS_HOME once, on import, and exposes no public accessor for it.
    from keras.src.backend import config

    base = os.path.expanduser(config.keras_home())
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return Path(base) / "datasets"


def fingerprint_keras_cache(relative_paths: list[str], arrays: list[np.ndarray]) -> str:
    """Fingerprints the files Keras read from its cache, or else the arrays.

    Hashing the cached files gives the same fingerprint as loading the same
    original files through `data.path`.

    Args:
        relative_paths: The files `keras.datasets` read, relative to its
            `datasets/` cache folder.
        arrays: The loaded arrays, hashed when the files cannot be found.

    Returns:
        The hex sha256 digest.
    """
    paths = [keras_datasets_dir() / relative for relative in relative_paths]
    if all(path.is_file() for path in paths):
        return fingerprint_files(paths)
    return fingerprint_arrays(arrays)
