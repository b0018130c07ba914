"""CIFAR-10: 32x32 colour images in 10 classes, read straight from the original tarball."""

import io
import pickle
import tarfile
import zlib
from pathlib import Path

import numpy as np

from kerasmap.data.arrays import ArraySplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.keras_cache import download_with_keras, fingerprint_keras_cache
from kerasmap.data.restricted_pickle import RestrictedUnpickler
from kerasmap.data.source_files import check_file, invalid_path

CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
TRAIN_BATCHES = tuple(f"data_batch_{index}" for index in range(1, 6))
MEMBERS = (*TRAIN_BATCHES, "test_batch")
EXPECTED = "the original `cifar-10-python.tar.gz`"
# Where keras.utils.get_file keeps the downloaded tarball inside its `datasets/` folder.
KERAS_ARCHIVE = "cifar-10-batches-py-target_archive"
# What a truncated, corrupt or foreign file raises on its way through tarfile and gzip.
READ_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error)


def load_cifar10(path: str | None) -> ArraySplits:
    """Loads CIFAR-10's 50,000 training and 10,000 test images.

    Args:
        path: The original `cifar-10-python.tar.gz`, read without extracting
            it. When `None`, `keras.datasets.cifar10` downloads it (or reads
            its cache).

    Returns:
        `ArraySplits` with `uint8` images of shape `(n, 32, 32, 3)`
        (channels last, as `keras.datasets.cifar10` returns them) and `uint8`
        labels of shape `(n,)`, named by `CLASS_NAMES` whichever way the file
        is read.

    Raises:
        DataError: If `path` is not a valid CIFAR-10 tarball, or if the
            download fails.
    """
    if path is None:
        return _load_with_keras()
    file = check_file(path, EXPECTED)
    pickles = _read_members(file)
    train = [_decode_batch(file, name, pickles[name]) for name in TRAIN_BATCHES]
    x_test, y_test = _decode_batch(file, "test_batch", pickles["test_batch"])
    return ArraySplits(
        x_train=np.concatenate([images for images, _ in train]),
        y_train=np.concatenate([labels for _, labels in train]),
        x_test=x_test,
        y_test=y_test,
        class_names=CLASS_NAMES,
        fingerprint=fingerprint_files([file]),
    )


def _read_members(file: Path) -> dict:
    """Unpickles the batch files from the tarball in one sequential pass."""
    wanted = {f"cifar-10-batches-py/{name}": name for name in MEMBERS}
    pickles = {}
    try:
        with tarfile.open(file, "r:gz") as archive:
            for member in archive:
                if member.name in wanted and member.isfile():
                    stream = io.BytesIO(archive.extractfile(member).read())
                    unpickler = RestrictedUnpickler(stream, encoding="bytes")
                    pickles[wanted[member.name]] = unpickler.load()
    except pickle.UnpicklingError as error:
        problem = f"{member.name} is not a CIFAR-10 pickle ({error})"
        raise invalid_path(file, problem, EXPECTED) from error
    except READ_ERRORS as error:
        problem = f"it is not a readable .tar.gz archive ({error})"
        raise invalid_path(file, problem, EXPECTED) from error
    missing = [name for name in MEMBERS if name not in pickles]
    if missing:
        raise invalid_path(file, f"the archive has no cifar-10-batches-py/{missing[0]}", EXPECTED)
    return pickles


def _decode_batch(file: Path, name: str, batch) -> tuple[np.ndarray, np.ndarray]:
    """Turns one batch's channel-first rows of 3072 bytes into channels-last images."""
    try:
        rows = np.asarray(batch[b"data"], dtype=np.uint8)
        labels = np.asarray(batch[b"labels"], dtype=np.uint8)
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        problem = f"{name} has no b'data' and b'labels' ({error!r})"
        raise invalid_path(file, problem, EXPECTED) from error
    if rows.ndim != 2 or rows.shape[1] != 3 * 32 * 32 or len(rows) != len(labels):
        problem = f"{name} holds data of shape {rows.shape} for {len(labels)} labels"
        raise invalid_path(file, problem, EXPECTED)
    return rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels


def _load_with_keras() -> ArraySplits:
    """Loads CIFAR-10 through `keras.datasets`, fingerprinting its cached tarball."""
    import keras

    (x_train, y_train), (x_test, y_test) = download_with_keras(
        keras.datasets.cifar10.load_data, "CIFAR-10", EXPECTED
    )
    if keras.config.image_data_format() == "channels_first":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    y_train, y_test = y_train.reshape(-1), y_test.reshape(-1)
    return ArraySplits(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=CLASS_NAMES,
        fingerprint=fingerprint_keras_cache([KERAS_ARCHIVE], [x_train, y_train, x_test, y_test]),
    )
