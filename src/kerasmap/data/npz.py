"""Reader for the `.npz` archives Keras distributes (MNIST, IMDB)."""

import io
import pickle
import zipfile
import zlib
from pathlib import Path

import numpy as np

from kerasmap.data.restricted_pickle import RestrictedUnpickler
from kerasmap.data.source_files import invalid_path

SPLIT_KEYS = ("x_train", "y_train", "x_test", "y_test")
# What a truncated, corrupt or foreign file raises on its way through zipfile and numpy.
READ_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    pickle.UnpicklingError,
)


def read_npz(path: Path, expected: str) -> dict[str, np.ndarray]:
    """Reads the four split arrays from an `.npz` archive.

    Object arrays (IMDB's ragged sequences) are unpickled with
    `RestrictedUnpickler`; all other arrays are read with pickling disabled.

    Args:
        path: The `.npz` file, already checked to be a non-empty file.
        expected: What the file should be, for error messages.

    Returns:
        A dict from each of `x_train`, `y_train`, `x_test`, `y_test` to its array.

    Raises:
        DataError: If the file is not a readable `.npz` archive or lacks one of
            the four arrays.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            missing = [key for key in SPLIT_KEYS if f"{key}.npy" not in archive.namelist()]
            if missing:
                raise invalid_path(
                    path, f"the archive lacks the arrays {', '.join(missing)}", expected
                )
            return {key: _read_npy(archive.read(f"{key}.npy")) for key in SPLIT_KEYS}
    except READ_ERRORS as error:
        problem = f"it is not a readable .npz archive ({error})"
        raise invalid_path(path, problem, expected) from error


def _read_npy(content: bytes) -> np.ndarray:
    """Parses one `.npy` member of an archive."""
    stream = io.BytesIO(content)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        _, _, dtype = np.lib.format.read_array_header_1_0(stream)
    else:
        # Format 3.0 differs from 2.0 only in the header's text encoding.
        _, _, dtype = np.lib.format.read_array_header_2_0(stream)
    if dtype.hasobject:
        return RestrictedUnpickler(stream).load()
    stream.seek(0)
    return np.lib.format.read_array(stream, allow_pickle=False)
