import hashlib

import keras
import numpy as np
import pytest

from kerasmap.data.datasets.imdb import load_imdb
from kerasmap.errors import DataError

from original_formats import ragged_array

TINY = {"num_words": 30, "maxlen": 6}


def keras_shuffle_orders(num_train: int, num_test: int) -> tuple[np.ndarray, np.ndarray]:
    """The orders keras.datasets.imdb.load_data shuffles train then test into (seed 113)."""
    rng = np.random.RandomState(113)
    return rng.permutation(num_train), rng.permutation(num_test)


def test_start_offset_oov_and_padding_by_hand(imdb_file):
    splits = load_imdb(path=str(imdb_file.path), num_words=10, maxlen=4)

    # Each review gets start id 1, word ids + 3, ids >= 10 become 2, then pre-pad/pre-truncate.
    expected_train = np.array(
        [
            [0, 1, 8, 2],  # [5, 10] -> [1, 8, 13]
            [6, 7, 8, 9],  # [1..6] -> [1, 4, 5, 6, 7, 8, 9], the first 3 ids cut
            [1, 2, 2, 2],  # [20, 30, 40] -> [1, 23, 33, 43]
            [0, 0, 1, 2],  # [7] -> [1, 10]
        ]
    )
    expected_test = np.array([[1, 9, 2, 2], [0, 1, 3, 2]])  # [6, 96, 97] and [0, 11]
    train_order, test_order = keras_shuffle_orders(4, 2)
    np.testing.assert_array_equal(splits.x_train, expected_train[train_order])
    np.testing.assert_array_equal(splits.y_train, imdb_file.y_train[train_order])
    np.testing.assert_array_equal(splits.x_test, expected_test[test_order])
    np.testing.assert_array_equal(splits.y_test, imdb_file.y_test[test_order])
    assert splits.x_train.dtype == np.int32


def test_metadata(imdb_file):
    splits = load_imdb(path=str(imdb_file.path), num_words=50, maxlen=7)

    assert splits.x_train.shape == (4, 7) and splits.x_test.shape == (2, 7)
    assert splits.vocab_size == 50
    assert splits.class_names == ("negative", "positive")
    assert splits.fingerprint == hashlib.sha256(imdb_file.path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("num_words", "maxlen"), [(10, 4), (20000, 200), (60, 2)])
def test_matches_keras_own_loader_on_the_same_file(imdb_file, monkeypatch, num_words, maxlen):
    monkeypatch.setattr(keras.src.datasets.imdb, "get_file", lambda **_: str(imdb_file.path))

    through_keras = load_imdb(path=None, num_words=num_words, maxlen=maxlen)
    local = load_imdb(path=str(imdb_file.path), num_words=num_words, maxlen=maxlen)

    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(through_keras, key), getattr(local, key))
    assert through_keras.x_train.dtype == np.int32


def test_failed_download_points_at_data_path(monkeypatch):
    def fail_download(**_):
        raise Exception("URL fetch failure on https://storage.googleapis.com/imdb.npz")

    monkeypatch.setattr(keras.src.datasets.imdb, "get_file", fail_download)

    with pytest.raises(DataError, match=r"Could not download IMDB .*local copy of .*`imdb.npz`"):
        load_imdb(path=None, **TINY)


def test_npz_missing_keys(tmp_path):
    path = tmp_path / "imdb.npz"
    np.savez(path, x_train=ragged_array([[1]]), y_train=np.zeros(1))

    with pytest.raises(DataError, match=r"lacks the arrays x_test, y_test.*imdb\.npz"):
        load_imdb(path=str(path), **TINY)


def test_reviews_that_are_not_word_lists(imdb_file):
    reviews = np.empty(2, dtype=object)
    np.savez(imdb_file.path, x_train=reviews, y_train=[0, 1], x_test=reviews, y_test=[0, 1])

    with pytest.raises(DataError, match=r"a review is not a list of word ids"):
        load_imdb(path=str(imdb_file.path), **TINY)


def test_truncated_npz(imdb_file):
    content = imdb_file.path.read_bytes()
    imdb_file.path.write_bytes(content[:-40])

    with pytest.raises(DataError, match=r"not a readable \.npz archive.*imdb\.npz"):
        load_imdb(path=str(imdb_file.path), **TINY)


def test_refuses_pickles_that_would_run_code(tmp_path):
    class RunsCode:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "imdb.npz"
    reviews = np.array([RunsCode()], dtype=object)
    np.savez(path, x_train=reviews, y_train=[0], x_test=reviews, y_test=[0])

    with pytest.raises(DataError, match=r"refusing to load `builtins.print`"):
        load_imdb(path=str(path), **TINY)
