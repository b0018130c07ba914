"""Tiny dataset files written in exactly the original formats, for the data tests."""

from types import SimpleNamespace

import numpy as np
import pytest

from original_formats import ragged_array, write_cifar_tarball, write_idx
from own_files import write_image_folder, write_table, write_text_folder


@pytest.fixture
def fashion_dir(tmp_path) -> SimpleNamespace:
    """A directory holding the four Fashion-MNIST IDX files, with 12 train and 4 test images."""
    rng = np.random.default_rng(0)
    data = SimpleNamespace(
        path=tmp_path / "fashion-mnist",
        x_train=rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        y_train=np.arange(12, dtype=np.uint8) % 10,
        x_test=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        y_test=np.array([9, 0, 3, 3], dtype=np.uint8),
    )
    data.path.mkdir()
    write_idx(data.path / "train-images-idx3-ubyte.gz", data.x_train)
    write_idx(data.path / "train-labels-idx1-ubyte.gz", data.y_train)
    write_idx(data.path / "t10k-images-idx3-ubyte.gz", data.x_test)
    write_idx(data.path / "t10k-labels-idx1-ubyte.gz", data.y_test)
    return data


@pytest.fixture
def mnist_file(tmp_path) -> SimpleNamespace:
    """An `mnist.npz` with 20 train and 6 test images, saved as Keras's file is."""
    rng = np.random.default_rng(1)
    data = SimpleNamespace(
        path=tmp_path / "mnist.npz",
        x_train=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        y_train=(np.arange(20) % 10).astype(np.uint8),
        x_test=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        y_test=np.array([7, 2, 1, 0, 4, 1], dtype=np.uint8),
    )
    arrays = {key: getattr(data, key) for key in ("x_train", "y_train", "x_test", "y_test")}
    np.savez_compressed(data.path, **arrays)
    return data


@pytest.fixture
def cifar_file(tmp_path) -> SimpleNamespace:
    """A `cifar-10-python.tar.gz` with five 3-image training batches and a 2-image test batch.

    Each channel-first row holds pixel value `(channel * 100 + row * 3 + column) % 256`
    plus the image's index, so the expected channels-last layout can be computed.
    """
    channel, row, column = np.meshgrid(np.arange(3), np.arange(32), np.arange(32), indexing="ij")
    pattern = (channel * 100 + row * 3 + column) % 256
    names = [f"data_batch_{index}" for index in range(1, 6)] + ["test_batch"]
    sizes = [3, 3, 3, 3, 3, 2]
    batches, start = {}, 0
    for name, size in zip(names, sizes, strict=True):
        offsets = np.arange(start, start + size).reshape(-1, 1, 1, 1)
        images = ((pattern + offsets) % 256).astype(np.uint8)
        batches[name] = (images.reshape(size, 3072), [(start + i) % 10 for i in range(size)])
        start += size
    label_names = [b"airplane", b"automobile", b"bird", b"cat", b"deer"]
    label_names += [b"dog", b"frog", b"horse", b"ship", b"truck"]
    path = write_cifar_tarball(tmp_path / "cifar-10-python.tar.gz", batches, label_names)
    return SimpleNamespace(path=path, batches=batches, pattern=pattern)


@pytest.fixture
def imdb_file(tmp_path) -> SimpleNamespace:
    """An `imdb.npz` of ragged word-id lists stored as object arrays, as Keras's file is."""
    data = SimpleNamespace(
        path=tmp_path / "imdb.npz",
        x_train=[[5, 10], [1, 2, 3, 4, 5, 6], [20, 30, 40], [7]],
        y_train=np.array([0, 1, 1, 0]),
        x_test=[[6, 96, 97], [0, 11]],
        y_test=np.array([1, 0]),
    )
    np.savez(
        data.path,
        x_train=ragged_array(data.x_train),
        y_train=data.y_train,
        x_test=ragged_array(data.x_test),
        y_test=data.y_test,
    )
    return data


@pytest.fixture
def table_file(tmp_path) -> SimpleNamespace:
    """A small CSV of mixed columns (see tests/own_files.py)."""
    return SimpleNamespace(path=write_table(tmp_path / "homes.csv"))


@pytest.fixture
def image_folder_dir(tmp_path) -> SimpleNamespace:
    """PNGs of two classes in one subfolder each."""
    return SimpleNamespace(path=write_image_folder(tmp_path / "images"))


@pytest.fixture
def text_folder_dir(tmp_path) -> SimpleNamespace:
    """`.txt` documents of two topics in one subfolder each."""
    return SimpleNamespace(path=write_text_folder(tmp_path / "texts"))
