import hashlib

import keras
import numpy as np
import pytest

from kerasmap.data.datasets.mnist import load_mnist
from kerasmap.errors import DataError

URL_FAILURE = "URL fetch failure on https://storage.googleapis.com/mnist.npz: None -- offline"


def test_loads_original_npz_layout(mnist_file):
    splits = load_mnist(path=str(mnist_file.path))

    assert splits.x_train.shape == (20, 28, 28, 1) and splits.x_test.shape == (6, 28, 28, 1)
    assert splits.x_train.dtype == np.uint8
    np.testing.assert_array_equal(splits.x_test[..., 0], mnist_file.x_test)
    np.testing.assert_array_equal(splits.y_train, mnist_file.y_train)
    assert splits.class_names == tuple("0123456789")
    assert splits.fingerprint == hashlib.sha256(mnist_file.path.read_bytes()).hexdigest()


def test_matches_keras_own_loader_on_the_same_file(mnist_file, monkeypatch):
    monkeypatch.setattr(keras.src.datasets.mnist, "get_file", lambda **_: str(mnist_file.path))

    through_keras = load_mnist(path=None)
    local = load_mnist(path=str(mnist_file.path))

    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(through_keras, key), getattr(local, key))


def test_failed_download_points_at_data_path(monkeypatch):
    def fail_download(**_):
        raise Exception(URL_FAILURE)

    monkeypatch.setattr(keras.src.datasets.mnist, "get_file", fail_download)

    with pytest.raises(DataError, match=r"Could not download MNIST .*`data.path` .*`mnist.npz`"):
        load_mnist(path=None)


def test_missing_file(tmp_path):
    path = tmp_path / "x" / "mnist.npz"
    message = (
        r"Received an invalid value for `data.path`: file not found\. "
        r"Expected the original `mnist.npz`\. Received: data.path=.*mnist\.npz$"
    )
    with pytest.raises(DataError, match=message):
        load_mnist(path=str(path))


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(DataError, match=r"it is a directory, not a file\. Expected .*mnist\.npz"):
        load_mnist(path=str(tmp_path))


def test_empty_file(tmp_path):
    path = tmp_path / "mnist.npz"
    path.touch()

    with pytest.raises(DataError, match=r"the file is empty\. Expected the original `mnist.npz`"):
        load_mnist(path=str(path))


def test_csv_renamed_to_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_text("label,pixel0\n5,0\n")

    with pytest.raises(DataError, match=r"not a readable \.npz archive .*data.path=.*mnist\.npz"):
        load_mnist(path=str(path))


def test_truncated_npz(mnist_file):
    content = mnist_file.path.read_bytes()
    mnist_file.path.write_bytes(content[: len(content) // 2])

    with pytest.raises(DataError, match=r"not a readable \.npz archive"):
        load_mnist(path=str(mnist_file.path))


def test_npz_missing_keys(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(2, np.uint8))

    with pytest.raises(DataError, match=r"the archive lacks the arrays x_test, y_test"):
        load_mnist(path=str(path))


def test_npz_with_other_arrays(tmp_path):
    path = tmp_path / "mnist.npz"
    arrays = {key: np.zeros((3, 4), np.float32) for key in ("x_train", "x_test")}
    np.savez(path, **arrays, y_train=np.zeros(3), y_test=np.zeros(3))

    with pytest.raises(DataError, match=r"it holds float32 images of shape \(3, 4\) for 3 labels"):
        load_mnist(path=str(path))
