"""Reader for gzip-compressed IDX files, the format of MNIST and Fashion-MNIST."""

import gzip
import zlib
from pathlib import Path

import numpy as np

from kerasmap.errors import DataError

# IDX type codes (third byte of the magic number) and their big-endian dtypes.
IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IDX_IMAGES_MAGIC = 2051  # unsigned bytes, 3 dimensions
IDX_LABELS_MAGIC = 2049  # unsigned bytes, 1 dimension


def read_idx(path: Path, expected_magic: int) -> np.ndarray:
    """Reads one gzip-compressed IDX file into an array.

    Args:
        path: The `.gz` file.
        expected_magic: The magic number the file must start with, e.g.
            `IDX_IMAGES_MAGIC` (2051) or `IDX_LABELS_MAGIC` (2049).

    Returns:
        The array, with the dimensions from the file header and the dtype from
        its type code, converted to native byte order.

    Raises:
        DataError: If the file is not valid gzip, has a different magic number
            or its payload does not match the header.
    """
    expected = f"a gzip-compressed IDX file with magic number {expected_magic}"
    try:
        with gzip.open(path, "rb") as file:
            content = file.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(
            f"Received an unreadable file in `data.path`: could not read {path} ({error}); "
            f"expected {expected}."
        ) from error
    magic = int.from_bytes(content[:4], "big")
    if len(content) < 4 or magic != expected_magic:
        raise DataError(
            f"Received a wrong file in `data.path`: {path} has magic number {magic}; "
            f"expected {expected}."
        )
    dtype = IDX_DTYPES[(magic >> 8) & 0xFF]
    ndim = magic & 0xFF
    header_bytes = 4 + 4 * ndim
    if len(content) < header_bytes:
        raise DataError(f"{path} ends inside its header; expected {expected}.")
    shape = tuple(
        int.from_bytes(content[4 + 4 * axis : 8 + 4 * axis], "big") for axis in range(ndim)
    )
    payload = memoryview(content)[header_bytes:]
    if len(payload) != int(np.prod(shape)) * dtype.itemsize:
        raise DataError(
            f"{path} holds {len(payload)} data bytes but its header declares shape {shape} "
            f"of {dtype.name}; expected {expected}."
        )
    return np.frombuffer(payload, dtype).reshape(shape).astype(dtype.newbyteorder("="))
