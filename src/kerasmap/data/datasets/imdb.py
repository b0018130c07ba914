"""IMDB movie reviews as word-index sequences, labelled negative or positive."""

from pathlib import Path

import numpy as np

from kerasmap.data.arrays import ArraySplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.keras_cache import download_with_keras, fingerprint_keras_cache
from kerasmap.data.npz import read_npz
from kerasmap.data.source_files import check_file, invalid_path

CLASS_NAMES = ("negative", "positive")
EXPECTED = "the original `imdb.npz`"
# keras.datasets.imdb.load_data's defaults, reproduced so a local file gives the same arrays.
SHUFFLE_SEED = 113
START_CHAR = 1
OOV_CHAR = 2
INDEX_FROM = 3


def load_imdb(path: str | None, *, num_words: int, maxlen: int) -> ArraySplits:
    """Loads IMDB's 25,000 training and 25,000 test reviews as padded sequences.

    Reviews are processed as `keras.datasets.imdb.load_data(num_words=num_words)`
    does (shuffled with seed 113, each starting with 1, word ids offset by 3,
    ids `>= num_words` replaced by 2), then padded and truncated at the front
    to `maxlen` tokens, as `keras.utils.pad_sequences` does.

    Args:
        path: The original `imdb.npz`. When `None`, `keras.datasets.imdb`
            downloads it (or reads its cache).
        num_words: Vocabulary size; rarer words become the out-of-vocabulary
            id 2.
        maxlen: Length of every sequence.

    Returns:
        `ArraySplits` with `int32` sequences of shape `(n, maxlen)` and labels
        0 (negative) or 1 (positive).

    Raises:
        DataError: If `path` is not a valid `imdb.npz`, or if the download fails.
    """
    if path is None:
        (x_train, y_train), (x_test, y_test) = _load_with_keras(num_words)
    else:
        file = check_file(path, EXPECTED)
        (x_train, y_train), (x_test, y_test) = _read_npz_file(file, num_words)
    x_train, x_test = _pad(x_train, maxlen), _pad(x_test, maxlen)
    if path is None:
        fingerprint = fingerprint_keras_cache(["imdb.npz"], [x_train, y_train, x_test, y_test])
    else:
        fingerprint = fingerprint_files([file])
    return ArraySplits(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=CLASS_NAMES,
        fingerprint=fingerprint,
        vocab_size=num_words,
    )


def _load_with_keras(num_words: int):
    """Loads IMDB through `keras.datasets`, which downloads or reads its cache."""
    import keras

    return download_with_keras(keras.datasets.imdb.load_data, "IMDB", EXPECTED, num_words=num_words)


def _read_npz_file(file: Path, num_words: int):
    """Reads a local `imdb.npz` and applies `keras.datasets.imdb.load_data`'s processing."""
    x_train, y_train, x_test, y_test = read_npz(file, EXPECTED).values()
    # Keras shuffles the training then the test split with one generator.
    rng = np.random.RandomState(SHUFFLE_SEED)
    splits = []
    for reviews, labels in ((x_train, y_train), (x_test, y_test)):
        if reviews.ndim != 1 or len(reviews) != len(labels):
            problem = f"it holds reviews of shape {reviews.shape} for {len(labels)} labels"
            raise invalid_path(file, problem, EXPECTED)
        order = np.arange(len(reviews))
        rng.shuffle(order)
        try:
            sequences = [_encode(reviews[index], num_words) for index in order]
        except (TypeError, ValueError) as error:
            problem = f"a review is not a list of word ids ({error})"
            raise invalid_path(file, problem, EXPECTED) from error
        splits.append((sequences, np.asarray(labels)[order]))
    return splits[0], splits[1]


def _encode(review, num_words: int) -> list[int]:
    """Adds the start id, offsets word ids and maps ids beyond the vocabulary to OOV."""
    ids = [START_CHAR] + [int(word) + INDEX_FROM for word in review]
    return [word if word < num_words else OOV_CHAR for word in ids]


def _pad(sequences, maxlen: int) -> np.ndarray:
    """Pads and truncates at the front to `maxlen`, as `keras.utils.pad_sequences` does."""
    import keras

    return keras.utils.pad_sequences(
        sequences, maxlen=maxlen, dtype="int32", padding="pre", truncating="pre", value=0
    )
