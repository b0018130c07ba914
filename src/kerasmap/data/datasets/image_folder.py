"""A user's folder of images: one subfolder per class (PNG, JPEG, BMP, GIF)."""

import logging
from pathlib import Path

import numpy as np

from kerasmap.data.arrays import RawSplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.folders import carve_test_split, class_folders, files_by_class
from kerasmap.data.source_files import invalid_path

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
EXPECTED = "a folder with one subfolder of images (PNG, JPEG, BMP, GIF) per class"
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
NUM_EXAMPLES = 5


def load_image_folder(
    path: str, *, image_size: list[int], color_mode: str, test_fraction: float, seed: int
) -> RawSplits:
    """Reads every image, resized to `image_size`, with its class from its subfolder.

    A `path/train/` + `path/test/` layout is used as given; otherwise a seeded, stratified
    test split of `test_fraction` is carved. Each image is read with `keras.utils.load_img`
    and resized by the same `Resizing` layer the logged model starts with, so training sees
    exactly what the model will. `keras.utils.image_dataset_from_directory` would read them
    too, but fails a whole run on one unreadable file without naming it; here that file is
    left out with a warning that names it.

    Raises:
        DataError: If the folder has no class subfolders, a class has no images, or fewer
            than two classes.
    """
    splits = class_folders(path, EXPECTED)
    first = files_by_class(next(iter(splits.values())), IMAGE_SUFFIXES)
    class_names = sorted(first)
    _require_classes(path, first)
    arrays = {
        name: _read_images(path, folder, class_names, tuple(image_size), color_mode)
        for name, folder in splits.items()
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
        preprocessor=lambda _: _preprocessor(tuple(image_size), CHANNELS[color_mode]),
        stratify=True,
        description={
            "class_names": class_names,
            "image_size": list(image_size),
            "color_mode": color_mode,
            "num_train": len(y_train),
            "num_test": len(y_test),
        },
        raw_example=x_test[:NUM_EXAMPLES],
    )


def _require_classes(path, by_class: dict[str, list[Path]]) -> None:
    empty = [name for name, files in by_class.items() if not files]
    if empty:
        raise invalid_path(path, f"the class folders {', '.join(empty)} hold no images", EXPECTED)
    if len(by_class) < 2:
        raise invalid_path(path, f"it has a single class ({', '.join(by_class)})", EXPECTED)


def _read_images(path, folder: Path, class_names, image_size, color_mode):
    import keras

    by_class = files_by_class(folder, IMAGE_SUFFIXES)
    unknown = sorted(set(by_class) - set(class_names))
    if unknown:
        problem = f"{folder} has classes the training images do not: {', '.join(unknown)}"
        raise invalid_path(path, problem, EXPECTED)
    resize = keras.layers.Resizing(*image_size)
    images, labels, files = [], [], []
    for label, name in enumerate(class_names):
        for file in by_class.get(name, []):
            image = read_image(file, resize, color_mode)
            if image is not None:
                images.append(image)
                labels.append(label)
                files.append(file)
    if not images:
        raise invalid_path(path, f"{folder} holds no readable images", EXPECTED)
    return np.stack(images), np.array(labels, dtype=np.int64), files


def read_image(file: Path, resize, color_mode: str) -> np.ndarray | None:
    """One image as uint8 pixels, resized as the model resizes; `None`, with a warning
    that names the file, when it is not a readable image.

    Args:
        file: A PNG, JPEG, BMP or GIF file.
        resize: A `keras.layers.Resizing` layer: the one the model starts with.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`.
    """
    import keras

    try:
        image = keras.utils.img_to_array(keras.utils.load_img(file, color_mode=color_mode))
    except OSError as error:  # PIL's error for a file that is not a readable image
        log.warning("Leaving out %s: it is not a readable image (%s).", file, type(error).__name__)
        return None
    pixels = keras.ops.convert_to_numpy(resize(image))
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def _preprocessor(image_size, channels):
    from kerasmap.data.raw_inputs import image_preprocessor

    return image_preprocessor(image_size, channels)
