"""Writers of tiny dataset files in exactly the original formats, for the data tests."""

import gzip
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np

IDX_TYPE_CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """Encodes an array as an uncompressed IDX file (big-endian header and payload)."""
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    magic = IDX_TYPE_CODES[dtype.str.lstrip("|")] << 8 | array.ndim
    header = struct.pack(f">{1 + array.ndim}I", magic, *array.shape)
    return header + array.astype(dtype).tobytes()


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Writes `array` as a gzip-compressed IDX file, as Fashion-MNIST ships."""
    path.write_bytes(gzip.compress(idx_bytes(array)))
    return path


class Python2Pickler(pickle._Pickler):
    """Writes `str` and `bytes` as Python 2 byte strings, as CIFAR-10's batches were pickled."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_byte_string(self, text):
        data = text.encode("latin1") if isinstance(text, str) else text
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)

    dispatch[str] = save_byte_string
    dispatch[bytes] = save_byte_string


def python2_pickle(obj) -> bytes:
    """Pickles `obj` as Python 2 with numpy 1 did: protocol 2, `numpy.core` globals."""
    buffer = io.BytesIO()
    Python2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue().replace(b"numpy._core.multiarray\n", b"numpy.core.multiarray\n")


def write_cifar_tarball(path: Path, batches: dict, label_names: list[bytes]) -> Path:
    """Writes a `cifar-10-python.tar.gz` holding the given batches and `batches.meta`."""
    members = {name: {b"data": data, b"labels": labels} for name, (data, labels) in batches.items()}
    members["batches.meta"] = {b"label_names": label_names, b"num_vis": 3072}
    with tarfile.open(path, "w:gz") as archive:
        for name, content in {"readme.html": b"<html></html>", **members}.items():
            data = content if isinstance(content, bytes) else python2_pickle(content)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def ragged_array(sequences: list[list[int]]) -> np.ndarray:
    """Builds a 1-D object array of lists, which `np.savez` stores as a pickle."""
    array = np.empty(len(sequences), dtype=object)
    for index, sequence in enumerate(sequences):
        array[index] = list(sequence)
    return array
