"""The side-by-side benchmark's image-folder case without training anything: the PNG folders it
writes, its option and its table.

The folder runs themselves take longer than a test may; `make bench bench=quick folders=yes`
runs them whole.
"""

import gzip
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmark_scripts import script_modules

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench"
MODULES = ("bench", "image_folders")
# Imported with them by bare name, and so removed with them.
IMPORTED = (*MODULES, "fashion_data", "launch", "script_arguments", "summary", "sweep")


@pytest.fixture(scope="module")
def bench():
    """The benchmark's modules, imported as the script run from its folder imports them."""
    yield from script_modules(BENCH, MODULES, IMPORTED)


def write_idx(folder: Path, name: str, array: np.ndarray) -> None:
    """An IDX file as Fashion-MNIST's: a 16-byte header for images, 8 for labels."""
    header = bytes(16 if array.ndim == 3 else 8)
    with gzip.open(folder / name, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture()
def idx_folder(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "idx"
    folder.mkdir()
    for split, count in (("train", 25), ("t10k", 10)):
        write_idx(folder, f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (count, 28, 28)))
        write_idx(folder, f"{split}-labels-idx1-ubyte.gz", np.arange(count) % 10)
    return folder


def test_the_png_folders_hold_the_limited_training_images_and_every_test_image(
    bench, idx_folder, tmp_path
):
    bench.image_folders.write_png_folders(str(idx_folder), tmp_path, limit=20)
    folder = tmp_path / bench.image_folders.PNG_FOLDER
    assert len(list((folder / "train").rglob("*.png"))) == 20
    assert len(list((folder / "test").rglob("*.png"))) == 10
    assert sorted(path.name for path in (folder / "train").iterdir())[-2:] == [
        "T-shirt_top",
        "Trouser",
    ]
    first = np.asarray(Image.open(folder / "train" / "T-shirt_top" / "00000.png"))
    images, _ = bench.image_folders.read_idx_pair(
        idx_folder, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
    )
    np.testing.assert_array_equal(first, images[0])


@pytest.mark.parametrize("preset, folders", [("full", True), ("quick", False)])
def test_folders_is_on_in_the_full_preset_only(bench, idx_folder, preset, folders):
    options = bench.bench.parse_options([f"bench={preset}", f"data_dir={idx_folder}"])
    assert options["folders"] is folders


def test_folders_takes_yes_or_no_only(bench, idx_folder):
    with pytest.raises(SystemExit, match="folders: expected yes or no; received: maybe"):
        bench.bench.parse_options(["folders=maybe", f"data_dir={idx_folder}"])


def run(framework: str, repeat: int, epoch_seconds: list[float], test_accuracy: float) -> dict:
    """A run that started at 100 s, its first epoch 5 s later, its epochs back to back."""
    starts = 105 + np.concatenate([[0], np.cumsum(epoch_seconds)[:-1]])
    epochs = [
        {"start": start, "seconds": seconds, "samples_per_second": 1.0, "val_accuracy": 0.5}
        for start, seconds in zip(starts, epoch_seconds, strict=True)
    ]
    return {
        "framework": framework,
        "family": "cnn",
        "repeat": repeat,
        "start": 100.0,
        "wall_s": 30.0,
        "peak_rss_mb": 1000.0,
        "epochs": epochs,
        "test_accuracy": test_accuracy,
    }


def test_the_table_sets_the_folder_against_the_built_in_runs_only(bench):
    records = [run("kerasmap", repeat, [4.0, 2.0, 2.0], 0.9) for repeat in range(2)]
    records += [run("image_folder", repeat, [6.0, 2.5, 2.3], 0.895) for repeat in range(2)]
    records += [run("keras", 0, [1.0, 1.0], 0.5)]
    records += [{"framework": "image_folder", "family": "cnn", "repeat": 2, "error": "failed"}]
    frame = bench.image_folders.folder_frame(records, {"cnn": 0.91})
    table = bench.image_folders.folder_table(frame, ["cnn"]).set_index("figure")
    first_epoch = table.loc["first epoch s, with validation"]
    assert first_epoch["built-in (data=fashion_mnist)"] == "4.00 (4.00-4.00)"
    assert first_epoch["folder vs built-in"] == "1.50x"
    assert table.loc["seconds per epoch, steady, with validation", "data=image_folder"] == (
        "2.40 (2.40-2.40)"  # the median of epochs 2 and 3
    )
    assert table.loc["test accuracy", "folder vs built-in"] == "-0.50 points"
