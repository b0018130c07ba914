"""Fashion-MNIST: 28x28 grayscale images of clothing in 10 classes."""

from kerasmap.data.arrays import ArraySplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.idx import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, read_idx
from kerasmap.data.keras_cache import download_with_keras, fingerprint_keras_cache
from kerasmap.data.source_files import check_directory
from kerasmap.errors import DataError

CLASS_NAMES = (
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
FILE_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
EXPECTED = "a directory holding the four original Fashion-MNIST IDX .gz files"


def load_fashion_mnist(path: str | None) -> ArraySplits:
    """Loads Fashion-MNIST's 60,000 training and 10,000 test images.

    Args:
        path: Directory holding the four original files
            `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
            `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz`. When
            `None`, `keras.datasets.fashion_mnist` downloads them (or reads its
            cache).

    Returns:
        `ArraySplits` with `uint8` images of shape `(n, 28, 28, 1)` and
        `uint8` labels in `0..9`.

    Raises:
        DataError: If `path` does not hold four valid IDX files, or if the
            download fails.
    """
    if path is None:
        return _load_with_keras()
    files = check_directory(path, FILE_NAMES, EXPECTED)
    x_train, y_train, x_test, y_test = (
        read_idx(file, IDX_IMAGES_MAGIC if "images" in file.name else IDX_LABELS_MAGIC)
        for file in files
    )
    for images, labels, file in ((x_train, y_train, files[0]), (x_test, y_test, files[2])):
        if images.shape[1:] != (28, 28) or len(images) != len(labels):
            raise DataError(
                f"{file} holds images of shape {images.shape} for {len(labels)} labels; "
                "expected 28x28 images, one per label."
            )
    return ArraySplits.grayscale(
        (x_train, y_train), (x_test, y_test), CLASS_NAMES, fingerprint_files(files)
    )


def _load_with_keras() -> ArraySplits:
    """Loads Fashion-MNIST through `keras.datasets`, fingerprinting its cached files."""
    import keras

    (x_train, y_train), (x_test, y_test) = download_with_keras(
        keras.datasets.fashion_mnist.load_data, "Fashion-MNIST", "the four original IDX .gz files"
    )
    fingerprint = fingerprint_keras_cache(
        [f"fashion-mnist/{name}" for name in FILE_NAMES], [x_train, y_train, x_test, y_test]
    )
    return ArraySplits.grayscale((x_train, y_train), (x_test, y_test), CLASS_NAMES, fingerprint)
