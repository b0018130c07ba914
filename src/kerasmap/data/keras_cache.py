"""Loading through `keras.datasets` when no local copy is given, and fingerprinting its cache."""

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from kerasmap.data.fingerprint import fingerprint_arrays, fingerprint_files
from kerasmap.errors import DataError

_KEEPING = contextvars.ContextVar("kerasmap_keeping_keras_loads", default=False)
_LAST_LOAD: dict = {}  # the last load kept by `download_with_keras`: its key and result


@contextlib.contextmanager
def loads_kept() -> Iterator[None]:
    """Within, `download_with_keras` keeps what it loads for the next call like it.

    For the jobs of a sweep that run one after another in one process: a call with the
    arguments of the last kept load, while Keras's cache folder is unchanged, returns that
    load instead of reading and decompressing the files again. A kept load's arrays are
    read-only, since every job shares them.
    """
    token = _KEEPING.set(True)
    try:
        yield
    finally:
        _KEEPING.reset(token)


def download_with_keras(load_data: Callable, dataset: str, original: str, **kwargs):
    """Calls a `keras.datasets` `load_data` function, which downloads on first use.

    Keras raises a bare `Exception` when a download fails, so every failure is
    reported as a `DataError` pointing at `data.path` instead. Within `loads_kept()`, the
    last load is reused.

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
    if not _KEEPING.get():
        return _load(load_data, dataset, original, **kwargs)
    key = (load_data, sorted(kwargs.items()), _cache_state())
    if _LAST_LOAD.get("key") != key:
        loaded = _read_only(_load(load_data, dataset, original, **kwargs))
        _LAST_LOAD.update(key=key, loaded=loaded)
    return _LAST_LOAD["loaded"]


def _load(load_data: Callable, dataset: str, original: str, **kwargs):
    try:
        return load_data(**kwargs)
    except Exception as error:
        raise DataError(
            f"Could not download {dataset} through `keras.datasets` ({error}); "
            f"set `data.path` to a local copy of {original}."
        ) from error


def _cache_state() -> list[tuple[str, int, int]]:
    """Each file under Keras's cache folder (two levels deep), its size and modification time."""
    folder = keras_datasets_dir()
    paths = [*folder.glob("*"), *folder.glob("*/*")] if folder.is_dir() else []
    return sorted((str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in paths)


def _read_only(loaded):
    """`loaded` with every array in its (nested) tuples made read-only, as it is shared."""
    if isinstance(loaded, tuple):
        return tuple(_read_only(part) for part in loaded)
    if isinstance(loaded, np.ndarray):
        loaded.flags.writeable = False
    return loaded


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
