"""A user's folder of images: one subfolder per class (PNG, JPEG, BMP, GIF)."""

import logging
from pathlib import Path

import numpy as np

from kerasmap.data.arrays import RawSplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.folders import carve_test_split, class_folders, files_by_class
from kerasmap.data.image_files import (
    CHANNELS,
    ImageHeader,
    ImageShape,
    decode_images,
    infer_image_shape,
    read_headers,
)
from kerasmap.data.rows_on_disk import allocate_rows, rows_of
from kerasmap.data.source_files import invalid_path

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
EXPECTED = "a folder with one subfolder of images (PNG, JPEG, BMP, GIF) per class"
NUM_EXAMPLES = 5


def load_image_folder(
    path: str,
    *,
    image_size: list[int] | None,
    color_mode: str,
    test_fraction: float,
    cache: str,
    seed: int,
) -> RawSplits:
    """Reads every image once, at one shape, with its class from its subfolder.

    A `path/train/` + `path/test/` layout is used as given; otherwise a seeded, stratified
    test split of `test_fraction` is carved. Without an `image_size` (or with `color_mode`
    `"auto"`) the shape is the images' own (`kerasmap.data.image_files.infer_image_shape`),
    logged with its reason. The pixels are decoded once, into memory or, when they would not
    fit (`cache`), into a file the run owns; a file that is not a readable image is left out
    with a warning that names it, where `keras.utils.image_dataset_from_directory` would
    fail the whole run.

    Raises:
        DataError: If the folder has no class subfolders, a class has no images, or fewer
            than two classes.
    """
    splits = class_folders(path, EXPECTED)
    first = files_by_class(next(iter(splits.values())), IMAGE_SUFFIXES)
    class_names = sorted(first)
    _require_classes(path, first)
    headers = {name: _headers(path, folder, class_names) for name, folder in splits.items()}
    every = [header for labelled in headers.values() for header, _ in labelled]
    shape = infer_image_shape(every, image_size, color_mode)
    log.info("Images: %dx%d %s (%s).", *shape.size, shape.color_mode, shape.reason)
    arrays = {
        name: _decoded(path, splits[name], labelled, shape, cache)
        for name, labelled in headers.items()
    }
    if "all" in arrays:
        images, labels, files = arrays["all"]
        train, test = carve_test_split(images, labels, class_names, test_fraction, seed)
        arrays = {"train": (*train, files), "test": (*test, [])}
    (x_train, y_train, files), (x_test, y_test, test_files) = arrays["train"], arrays["test"]
    return RawSplits(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=tuple(class_names),
        fingerprint=fingerprint_files([*files, *test_files]),
        input_kind="image",
        task="multiclass",
        preprocessor=lambda _: _preprocessor(shape.size, CHANNELS[shape.color_mode]),
        stratify=True,
        description={
            "class_names": class_names,
            "image_size": list(shape.size),
            "color_mode": shape.color_mode,
            "image_shape_reason": shape.reason,
            "num_train": len(y_train),
            "num_test": len(y_test),
        },
        raw_example=np.asarray(x_test[:NUM_EXAMPLES]),  # in memory, as a user gives them
    )


def _require_classes(path, by_class: dict[str, list[Path]]) -> None:
    empty = [name for name, files in by_class.items() if not files]
    if empty:
        raise invalid_path(path, f"the class folders {', '.join(empty)} hold no images", EXPECTED)
    if len(by_class) < 2:
        raise invalid_path(path, f"it has a single class ({', '.join(by_class)})", EXPECTED)


def _headers(path, folder: Path, class_names) -> list[tuple[ImageHeader, int]]:
    """Each readable image's header, with its label."""
    by_class = files_by_class(folder, IMAGE_SUFFIXES)
    unknown = sorted(set(by_class) - set(class_names))
    if unknown:
        problem = f"{folder} has classes the training images do not: {', '.join(unknown)}"
        raise invalid_path(path, problem, EXPECTED)
    labelled = [
        (header, label)
        for label, name in enumerate(class_names)
        for header in read_headers(by_class.get(name, []))
    ]
    if not labelled:
        raise invalid_path(path, f"{folder} holds no readable images", EXPECTED)
    return labelled


def _decoded(path, folder: Path, labelled, shape: ImageShape, cache: str):
    """`(pixels, labels, files)` of the images whose pixels decode."""
    label_of = {header.file: label for header, label in labelled}
    headers = [header for header, _ in labelled]
    pixels = allocate_rows((len(headers), *shape.size, CHANNELS[shape.color_mode]), np.uint8, cache)
    decoded = decode_images(headers, shape, pixels)
    if not decoded:
        raise invalid_path(path, f"{folder} holds no readable images", EXPECTED)
    files = [header.file for header in decoded]
    labels = np.array([label_of[file] for file in files], dtype=np.int64)
    return rows_of(pixels[: len(decoded)]), labels, files


def _preprocessor(image_size, channels):
    from kerasmap.data.raw_inputs import image_preprocessor

    return image_preprocessor(image_size, channels)
