from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from kerasmap.data.datasets.image_folder import load_image_folder
from kerasmap.data.image_files import ImageHeader, infer_image_shape
from kerasmap.data.pipeline import make_datasets
from kerasmap.data.rows_on_disk import RowsOnDisk

IMAGES = {"task": "multiclass", "modality": "image", "batch_size": 4, "val_fraction": 0.25}


def headers(*sizes_and_modes) -> list[ImageHeader]:
    return [
        ImageHeader(Path(f"{index}.png"), size, mode)
        for index, (size, mode) in enumerate(sizes_and_modes)
    ]


@pytest.mark.parametrize(
    ("found", "image_size", "color_mode", "expected", "reason"),
    [
        ([((28, 28), "L")] * 3, None, "auto", ((28, 28), "grayscale"), "every image is 28x28"),
        (
            [((20, 30), "RGB"), ((40, 50), "L"), ((60, 70), "RGB")],
            None,
            "auto",
            ((40, 50), "rgb"),
            "3 sizes among the images, median 40x50",
        ),
        (
            [((480, 640), "RGB")] * 2,
            None,
            "auto",
            ((96, 128), "rgb"),
            "scaled to 128 pixels on the longer side",
        ),
        ([((28, 28), "L")], [64, 32], "rgba", ((64, 32), "rgba"), "as data.image_size asks"),
        ([((28, 28), "LA"), ((28, 28), "I;16")], None, "auto", ((28, 28), "grayscale"), "single"),
    ],
)
def test_images_are_read_at_their_own_shape_unless_told(
    found, image_size, color_mode, expected, reason
):
    shape = infer_image_shape(headers(*found), image_size, color_mode)

    assert (shape.size, shape.color_mode) == expected
    assert reason in shape.reason


def write_pngs(folder: Path, sizes: dict[str, list[tuple[int, int]]]) -> Path:
    rng = np.random.default_rng(0)
    for label, shapes in sizes.items():
        (folder / label).mkdir(parents=True)
        for index, size in enumerate(shapes):
            pixels = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(folder / label / f"{index}.png")
    return folder


def test_images_are_decoded_once_and_resized_as_the_logged_model_resizes(tmp_path):
    folder = write_pngs(tmp_path / "images", {"a": [(10, 12)] * 3 + [(7, 9)], "b": [(10, 12)] * 4})

    splits = load_image_folder(
        str(folder), image_size=None, color_mode="auto", test_fraction=0.25, cache="memory", seed=0
    )

    assert splits.description["image_size"] == [10, 12]
    assert splits.description["color_mode"] == "rgb"
    pixels = np.concatenate([splits.x_train, splits.x_test])
    odd = np.asarray(Image.open(folder / "a" / "3.png"), dtype=np.float32)[None]
    resized = np.clip(np.rint(keras.layers.Resizing(10, 12)(odd)), 0, 255).astype(np.uint8)
    assert any(np.array_equal(image, resized[0]) for image in pixels)
    same = np.asarray(Image.open(folder / "b" / "0.png"))
    assert any(np.array_equal(image, same) for image in pixels)


def test_a_folder_kept_in_a_file_gives_the_batches_memory_gives(tmp_path):
    folder = write_pngs(tmp_path / "images", {"a": [(6, 5)] * 6, "b": [(6, 5), (9, 4)] * 3})
    load = dict(image_size=None, color_mode="auto", test_fraction=0.25, seed=0)

    in_memory = load_image_folder(str(folder), cache="memory", **load)
    in_file = load_image_folder(str(folder), cache="file", **load)

    assert isinstance(in_file.x_train, RowsOnDisk) and isinstance(in_memory.x_train, np.ndarray)
    np.testing.assert_array_equal(in_file.raw_example, in_memory.raw_example)
    bundles = [make_datasets(splits, seed=3, **IMAGES) for splits in (in_memory, in_file)]
    for memory_split, file_split in zip(
        *[(bundle.train_from_epoch(1, 2), bundle.val, bundle.test) for bundle in bundles],
        strict=True,
    ):
        for (x_memory, y_memory), (x_file, y_file) in zip(memory_split, file_split, strict=True):
            np.testing.assert_array_equal(x_memory, x_file)
            np.testing.assert_array_equal(y_memory, y_file)


def test_a_limit_on_a_folder_keeps_examples_of_every_class(tmp_path):
    folder = write_pngs(tmp_path / "images", {name: [(4, 4)] * 8 for name in "abc"})
    splits = load_image_folder(
        str(folder), image_size=None, color_mode="auto", test_fraction=0.25, cache="auto", seed=0
    )

    bundle = make_datasets(splits, seed=0, limit=12, **IMAGES)

    labels = np.concatenate([y for _, y in bundle.train] + [y for _, y in bundle.val])
    assert len(labels) == 12 and set(labels) == {0, 1, 2}
