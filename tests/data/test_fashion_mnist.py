import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest

from kerasmap.data.datasets.fashion_mnist import FILE_NAMES, load_fashion_mnist
from kerasmap.data.fingerprint import fingerprint_arrays
from kerasmap.errors import DataError

from original_formats import write_idx

# Loads Fashion-MNIST with no path in a fresh interpreter: Keras reads KERAS_HOME on import.
LOAD_THROUGH_KERAS = """
import json
from kerasmap.data.datasets.fashion_mnist import load_fashion_mnist
from kerasmap.data.fingerprint import fingerprint_arrays
splits = load_fashion_mnist(path=None)
arrays = [splits.x_train, splits.y_train, splits.x_test, splits.y_test]
print(json.dumps({"fingerprint": splits.fingerprint, "arrays": fingerprint_arrays(arrays)}))
"""


@pytest.fixture(scope="module")
def real_splits(fashion_mnist_dir):
    return load_fashion_mnist(path=str(fashion_mnist_dir))


def test_loads_tiny_idx_files(fashion_dir):
    splits = load_fashion_mnist(path=str(fashion_dir.path))

    assert splits.x_train.shape == (12, 28, 28, 1) and splits.x_test.shape == (4, 28, 28, 1)
    assert splits.x_train.dtype == np.uint8
    np.testing.assert_array_equal(splits.x_train[..., 0], fashion_dir.x_train)
    np.testing.assert_array_equal(splits.y_test, fashion_dir.y_test)
    assert splits.class_names == (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    )
    assert splits.vocab_size is None


def test_fingerprint_is_sha256_of_the_four_files(fashion_dir):
    content = b"".join((fashion_dir.path / name).read_bytes() for name in FILE_NAMES)

    splits = load_fashion_mnist(path=fashion_dir.path)

    assert splits.fingerprint == hashlib.sha256(content).hexdigest()


def test_real_files_have_the_published_sizes_and_balance(real_splits):
    assert real_splits.x_train.shape == (60000, 28, 28, 1)
    assert real_splits.x_test.shape == (10000, 28, 28, 1)
    assert real_splits.x_train.dtype == np.uint8
    assert len(real_splits.class_names) == 10
    np.testing.assert_array_equal(np.bincount(real_splits.y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(real_splits.y_test), [1000] * 10)


@pytest.mark.slow
def test_real_files_through_the_keras_cache_match_the_local_copy(
    real_splits, shared_datasets, tmp_path, monkeypatch
):
    keras_home = tmp_path / "keras_home"
    keras_home.mkdir()
    (keras_home / "datasets").symlink_to(shared_datasets, target_is_directory=True)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))

    result = subprocess.run(
        [sys.executable, "-c", LOAD_THROUGH_KERAS], capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    arrays = [real_splits.x_train, real_splits.y_train, real_splits.x_test, real_splits.y_test]
    assert loaded == {"fingerprint": real_splits.fingerprint, "arrays": fingerprint_arrays(arrays)}


def test_missing_directory(tmp_path):
    with pytest.raises(DataError, match=r"`data.path`: directory not found\. Expected a directory"):
        load_fashion_mnist(path=str(tmp_path / "nowhere"))


def test_file_instead_of_directory(fashion_dir):
    path = fashion_dir.path / "train-images-idx3-ubyte.gz"

    with pytest.raises(DataError, match=r"it is a file, not a directory.*train-images"):
        load_fashion_mnist(path=str(path))


def test_missing_file_is_named(fashion_dir):
    (fashion_dir.path / "t10k-labels-idx1-ubyte.gz").unlink()

    with pytest.raises(DataError, match=r"the directory has no file t10k-labels-idx1-ubyte\.gz"):
        load_fashion_mnist(path=str(fashion_dir.path))


def test_empty_file_is_named(fashion_dir):
    (fashion_dir.path / "train-labels-idx1-ubyte.gz").write_bytes(b"")

    with pytest.raises(DataError, match=r"the file .*train-labels-idx1-ubyte\.gz is empty"):
        load_fashion_mnist(path=str(fashion_dir.path))


def test_truncated_gzip_is_named(fashion_dir):
    path = fashion_dir.path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(DataError, match=r"could not read .*train-images-idx3-ubyte\.gz"):
        load_fashion_mnist(path=str(fashion_dir.path))


def test_labels_in_place_of_images_fail_on_magic(fashion_dir):
    write_idx(fashion_dir.path / "t10k-images-idx3-ubyte.gz", fashion_dir.y_test)

    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz has magic number 2049"):
        load_fashion_mnist(path=str(fashion_dir.path))


def test_images_of_the_wrong_size(fashion_dir):
    write_idx(fashion_dir.path / "train-images-idx3-ubyte.gz", np.zeros((12, 32, 32), np.uint8))

    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz holds images of shape"):
        load_fashion_mnist(path=str(fashion_dir.path))
