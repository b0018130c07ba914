import gzip

import numpy as np
import pytest

from kerasmap.data.idx import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, read_idx
from kerasmap.errors import DataError

from original_formats import idx_bytes, write_idx


def test_reads_images_and_labels(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28).astype(np.uint8)
    labels = np.array([3, 9], dtype=np.uint8)

    read_images = read_idx(write_idx(tmp_path / "i.gz", images), IDX_IMAGES_MAGIC)
    read_labels = read_idx(write_idx(tmp_path / "l.gz", labels), IDX_LABELS_MAGIC)

    np.testing.assert_array_equal(read_images, images)
    np.testing.assert_array_equal(read_labels, labels)
    assert read_images.dtype == np.uint8


@pytest.mark.parametrize("dtype", ["i1", ">i2", ">i4", ">f4", ">f8"])
def test_reads_other_type_codes_in_native_byte_order(tmp_path, dtype):
    array = np.array([[1, -2, 3], [4, 5, -6]], dtype=dtype)
    magic = int.from_bytes(idx_bytes(array)[:4], "big")

    result = read_idx(write_idx(tmp_path / "a.gz", array), magic)

    np.testing.assert_array_equal(result, array)
    assert result.dtype.isnative


def test_magic_numbers_are_the_standard_ones():
    assert (IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC) == (0x0803, 0x0801)


def test_wrong_magic_names_file_and_expected_magic(tmp_path):
    labels_file = write_idx(tmp_path / "labels.gz", np.zeros(5, dtype=np.uint8))

    with pytest.raises(DataError, match=r"labels\.gz has magic number 2049; expected .* 2051"):
        read_idx(labels_file, IDX_IMAGES_MAGIC)


def test_truncated_gzip_names_file(tmp_path):
    path = write_idx(tmp_path / "images.gz", np.ones((50, 28, 28), dtype=np.uint8) * 7)
    path.write_bytes(path.read_bytes()[:-20])

    with pytest.raises(DataError, match=r"could not read .*images\.gz .*expected a gzip"):
        read_idx(path, IDX_IMAGES_MAGIC)


def test_not_gzip_names_file(tmp_path):
    path = tmp_path / "images.gz"
    path.write_bytes(idx_bytes(np.zeros((1, 28, 28), dtype=np.uint8)))

    with pytest.raises(DataError, match=r"could not read .*images\.gz \(Not a gzipped file"):
        read_idx(path, IDX_IMAGES_MAGIC)


def test_payload_shorter_than_header_declares(tmp_path):
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8))[:-1]))

    with pytest.raises(DataError, match=r"holds 2351 data bytes but its header declares shape"):
        read_idx(path, IDX_IMAGES_MAGIC)


def test_header_cut_short(tmp_path):
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8))[:10]))

    with pytest.raises(DataError, match=r"ends inside its header"):
        read_idx(path, IDX_IMAGES_MAGIC)
