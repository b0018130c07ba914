"""sha256 fingerprints that identify exactly which data a run trained on."""

import hashlib
import json
from pathlib import Path

import numpy as np

_CHUNK_BYTES = 1 << 20


def fingerprint_files(paths: list[Path]) -> str:
    """Hashes the bytes of `paths`, read one after the other.

    For a single file this equals `sha256sum` of that file, so a user can
    check a recorded fingerprint against their copy.

    Args:
        paths: Source files, in a fixed order.

    Returns:
        The hex sha256 digest.
    """
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK_BYTES):
                digest.update(chunk)
    return digest.hexdigest()


def fingerprint_arrays(arrays: list[np.ndarray]) -> str:
    """Hashes the dtype, shape and bytes of each of `arrays`.

    Args:
        arrays: Arrays, in a fixed order.

    Returns:
        The hex sha256 digest.
    """
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def fingerprint_settings(settings: dict) -> str:
    """Hashes the settings of a data generator.

    Args:
        settings: JSON-serialisable generator settings, including its name.

    Returns:
        The hex sha256 digest.
    """
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
