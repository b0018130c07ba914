import gzip
import hashlib
import io
import pickle
import tarfile

import keras
import numpy as np
import pytest

from kerasmap.data.datasets.cifar10 import load_cifar10
from kerasmap.errors import DataError

from original_formats import python2_pickle, write_cifar_tarball


def test_loads_all_batches_in_order(cifar_file):
    splits = load_cifar10(path=str(cifar_file.path))

    assert splits.x_train.shape == (15, 32, 32, 3) and splits.x_test.shape == (2, 32, 32, 3)
    assert splits.x_train.dtype == np.uint8 and splits.y_train.dtype == np.uint8
    np.testing.assert_array_equal(splits.y_train, np.arange(15) % 10)
    np.testing.assert_array_equal(splits.y_test, [5, 6])
    assert splits.fingerprint == hashlib.sha256(cifar_file.path.read_bytes()).hexdigest()


def test_classes_are_cifar10s_ten_whatever_batches_meta_holds(cifar_file, tmp_path):
    # Read through `keras.datasets` the file's names are lost, so both ways name them alike.
    path = write_cifar_tarball(tmp_path / "c.tar.gz", cifar_file.batches, [b"a"])

    splits = load_cifar10(path=str(path))

    assert splits.class_names == (
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


def test_pixels_are_channels_last(cifar_file):
    splits = load_cifar10(path=str(cifar_file.path))

    # Image 4, row 5, column 6, channel 2 was stored at channel-first position (2, 5, 6).
    assert splits.x_train[4, 5, 6, 2] == (2 * 100 + 5 * 3 + 6 + 4) % 256
    expected_first = cifar_file.pattern.transpose(1, 2, 0)
    np.testing.assert_array_equal(splits.x_train[0], expected_first)
    np.testing.assert_array_equal(splits.x_test[1], (expected_first + 16) % 256)


def test_matches_keras_batch_decoding(cifar_file, tmp_path):
    with tarfile.open(cifar_file.path) as archive:
        archive.extractall(tmp_path, filter="data")
    batch = tmp_path / "cifar-10-batches-py" / "test_batch"
    keras_images, keras_labels = keras.src.datasets.cifar.load_batch(str(batch))

    splits = load_cifar10(path=str(cifar_file.path))

    np.testing.assert_array_equal(splits.x_test, keras_images.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(splits.y_test, keras_labels)


def test_file_is_read_without_extracting(cifar_file):
    load_cifar10(path=str(cifar_file.path))

    assert sorted(path.name for path in cifar_file.path.parent.iterdir()) == [
        "cifar-10-python.tar.gz"
    ]


def test_refuses_pickles_that_would_run_code(cifar_file, tmp_path):
    class RunsCode:
        def __reduce__(self):
            return (print, ("pwned",))

    batches = dict(cifar_file.batches)
    batches["data_batch_3"] = (RunsCode(), [0])
    path = write_cifar_tarball(tmp_path / "evil.tar.gz", batches, [b"a"])

    with pytest.raises(
        DataError,
        match=r"data_batch_3 is not a CIFAR-10 pickle \(refusing to load `__builtin__.print`",
    ):
        load_cifar10(path=str(path))


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"file not found\. Expected the original `cifar-10"):
        load_cifar10(path=str(tmp_path / "cifar-10-python.tar.gz"))


def test_directory_instead_of_tarball(tmp_path):
    with pytest.raises(DataError, match=r"it is a directory, not a file"):
        load_cifar10(path=str(tmp_path))


@pytest.mark.parametrize(
    "content",
    [b"not a tarball at all\n", gzip.compress(b"gzip but not a tar archive" * 40)],
    ids=["text", "gzip-not-tar"],
)
def test_not_a_tarball(tmp_path, content):
    path = tmp_path / "cifar-10-python.tar.gz"
    path.write_bytes(content)

    with pytest.raises(DataError, match=r"not a readable \.tar\.gz archive.*cifar-10-python"):
        load_cifar10(path=str(path))


def test_truncated_tarball(cifar_file):
    content = cifar_file.path.read_bytes()
    cifar_file.path.write_bytes(content[: len(content) // 2])

    with pytest.raises(DataError, match=r"not a readable \.tar\.gz archive"):
        load_cifar10(path=str(cifar_file.path))


def test_tarball_missing_a_batch(tmp_path):
    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        data = python2_pickle({b"label_names": [b"cat"]})
        info = tarfile.TarInfo("cifar-10-batches-py/batches.meta")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))

    with pytest.raises(DataError, match=r"the archive has no cifar-10-batches-py/data_batch_1"):
        load_cifar10(path=str(path))


def test_batch_with_wrong_row_length(cifar_file, tmp_path):
    batches = dict(cifar_file.batches)
    batches["test_batch"] = (np.zeros((2, 1024), np.uint8), [0, 1])
    path = write_cifar_tarball(tmp_path / "c.tar.gz", batches, [b"a"])

    with pytest.raises(DataError, match=r"test_batch holds data of shape \(2, 1024\) for 2 labels"):
        load_cifar10(path=str(path))


def test_batch_that_is_not_a_dict(cifar_file, tmp_path):
    path = tmp_path / "c.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]:
            data = pickle.dumps([1, 2, 3], protocol=2)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))

    with pytest.raises(DataError, match=r"data_batch_1 has no b'data' and b'labels'"):
        load_cifar10(path=str(path))
