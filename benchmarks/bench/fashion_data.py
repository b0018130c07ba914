"""Fashion-MNIST as numpy arrays, split exactly as kerasmap splits it, for the bare scripts.

Numpy only, so that the PyTorch script does not pay for importing TensorFlow.
"""

import gzip
from pathlib import Path

import numpy as np

FILE_NAMES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def read_idx_pair(folder: Path, images_name: str, labels_name: str):
    """Reads one IDX image file and its label file: `(uint8 (n, 28, 28), uint8 (n,))`."""
    with gzip.open(folder / images_name) as file:
        images = np.frombuffer(file.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(folder / labels_name) as file:
        labels = np.frombuffer(file.read(), np.uint8, offset=8)
    return images, labels


def validation_split(num_examples: int, val_fraction: float, seed: int):
    """The seeded split of `kerasmap.data.pipeline.split_validation` (unstratified case).

    Returns:
        `(train_index, val_index)`, both sorted.
    """
    num_val = round(num_examples * val_fraction)
    order = np.random.default_rng(seed).permutation(num_examples)
    return np.sort(order[num_val:]), np.sort(order[:num_val])


def load_splits(folder: str, limit: int | None, val_fraction: float = 0.1, seed: int = 42):
    """Loads the training, validation and test splits, pixels scaled to `[0, 1]`.

    Args:
        folder: Directory holding the four original IDX `.gz` files.
        limit: Keep only the first `limit` training examples (as `data.limit`), or `None`.
        val_fraction: Fraction held out for validation (as `data.val_fraction`).
            Defaults to `0.1`.
        seed: Seed of the validation split (as `seed`). Defaults to `42`.

    Returns:
        A dict of `float32` images `(n, 28, 28, 1)` and `int64` labels under the keys
        `x_train`, `y_train`, `x_val`, `y_val`, `x_test`, `y_test`.
    """
    x_all, y_all = read_idx_pair(Path(folder), *FILE_NAMES["train"])
    x_all, y_all = x_all[:limit], y_all[:limit]
    x_test, y_test = read_idx_pair(Path(folder), *FILE_NAMES["test"])
    train_index, val_index = validation_split(len(y_all), val_fraction, seed)

    def scaled(images):
        return (images.astype(np.float32) / 255.0)[..., None]

    return {
        "x_train": scaled(x_all[train_index]),
        "y_train": y_all[train_index].astype(np.int64),
        "x_val": scaled(x_all[val_index]),
        "y_val": y_all[val_index].astype(np.int64),
        "x_test": scaled(x_test),
        "y_test": y_test.astype(np.int64),
    }
