"""MNIST: 28x28 grayscale images of handwritten digits."""

import numpy as np

from kerasmap.data.arrays import ArraySplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.keras_cache import download_with_keras, fingerprint_keras_cache
from kerasmap.data.npz import read_npz
from kerasmap.data.source_files import check_file, invalid_path

CLASS_NAMES = tuple(str(digit) for digit in range(10))
EXPECTED = "the original `mnist.npz`"


def load_mnist(path: str | None) -> ArraySplits:
    """Loads MNIST's 60,000 training and 10,000 test images.

    Args:
        path: The original `mnist.npz` holding `x_train`, `y_train`, `x_test`
            and `y_test`. When `None`, `keras.datasets.mnist` downloads it (or
            reads its cache).

    Returns:
        `ArraySplits` with `uint8` images of shape `(n, 28, 28, 1)` and labels
        in `0..9`.

    Raises:
        DataError: If `path` is not a valid `mnist.npz`, or if the download fails.
    """
    train, test, fingerprint = _load_with_keras() if path is None else _read_npz_file(path)
    return ArraySplits.grayscale(train, test, CLASS_NAMES, fingerprint)


def _load_with_keras():
    """Loads MNIST through `keras.datasets`, fingerprinting its cached file."""
    import keras

    train, test = download_with_keras(keras.datasets.mnist.load_data, "MNIST", EXPECTED)
    return train, test, fingerprint_keras_cache(["mnist.npz"], [*train, *test])


def _read_npz_file(path: str):
    """Reads and checks a local `mnist.npz`."""
    file = check_file(path, EXPECTED)
    x_train, y_train, x_test, y_test = read_npz(file, EXPECTED).values()
    for images, labels in ((x_train, y_train), (x_test, y_test)):
        if images.ndim != 3 or images.dtype != np.uint8 or len(images) != len(labels):
            raise invalid_path(
                path,
                f"it holds {images.dtype} images of shape {images.shape} for {len(labels)} labels",
                EXPECTED,
            )
    return (x_train, y_train), (x_test, y_test), fingerprint_files([file])
