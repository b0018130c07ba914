"""The image-folder case: Fashion-MNIST written out as PNG files and trained with
`data=image_folder`, beside the built-in `data=fashion_mnist` runs of the same family."""

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from kerasmap.data.datasets.fashion_mnist import CLASS_NAMES

from fashion_data import FILE_NAMES, read_idx_pair
from launch import kerasmap_run
from summary import run_figures, spread

FOLDER_FRAMEWORK = "image_folder"  # the runs' `framework`, beside "kerasmap", "keras", "torch"
PNG_FOLDER = "fashion-mnist-png"  # inside the benchmark's temporary store
SIDES = {"kerasmap": "built-in (data=fashion_mnist)", FOLDER_FRAMEWORK: "data=image_folder"}
# Figure name -> (row label, decimals, how the folder is set against the built-in dataset).
FIGURES = {
    "wall_s": ("whole command s", 1, "ratio"),
    "startup_s": ("s before the first epoch (start-up, reading, decoding)", 1, "ratio"),
    "first_epoch_s": ("first epoch s, with validation", 2, "ratio"),
    "epoch_s": ("seconds per epoch, steady, with validation", 2, "ratio"),
    "peak_rss_mb": ("peak resident memory MB", 0, "ratio"),
    "test_accuracy": ("test accuracy", 4, "points"),
}


def write_png_folders(data: str, store: Path, limit: int | None) -> None:
    """Writes the IDX files in `data` out as `train/<class>/NNNNN.png` and `test/<class>/...`
    in `store`'s `PNG_FOLDER`, and prints how many and how long.

    `NNNNN` is the image's index in its IDX file; "/" in a class name becomes "_". Only the
    first `limit` training images are written, the images the built-in run trains on (a
    folder's `data.limit` draws its images at random, which would be other ones).
    """
    clock, folder = time.perf_counter(), store / PNG_FOLDER
    class_folders = [name.replace("/", "_") for name in CLASS_NAMES]
    written = 0
    for split, kept in (("train", limit), ("test", None)):
        images, labels = read_idx_pair(Path(data), *FILE_NAMES[split])
        for name in class_folders:
            (folder / split / name).mkdir(parents=True)
        for index, (image, label) in enumerate(zip(images[:kept], labels[:kept], strict=True)):
            Image.fromarray(image).save(folder / split / class_folders[label] / f"{index:05d}.png")
            written += 1
    print(f"Wrote {written:,} PNG files to {folder} in {time.perf_counter() - clock:.1f} s")


def folder_run(family: str, options: dict, store: Path, run_name: str, log_path: Path) -> dict:
    """Runs `pipelines/train.py data=image_folder` on the PNG folder in `store`, with no
    option of the folder's own: its image size and colour mode are kerasmap's to choose."""
    folder_options = options | {"data": str(store / PNG_FOLDER)}
    return kerasmap_run(family, folder_options, store, run_name, log_path, ["data=image_folder"])


def folder_frame(records: list[dict], targets: dict[str, float]) -> pd.DataFrame:
    """One row per successful built-in or folder run: its `FIGURES`."""
    rows = [
        {key: record[key] for key in ("framework", "family", "repeat")}
        | run_figures(record, targets[record["family"]])
        | {"first_epoch_s": record["epochs"][0]["seconds"]}
        for record in records
        if record["framework"] in SIDES and "error" not in record
    ]
    return pd.DataFrame(rows, columns=["framework", "family", "repeat", *FIGURES])


def folder_table(frame: pd.DataFrame, families: list[str]) -> pd.DataFrame:
    """Per family and figure: median (min-max) of each side, and the folder against the
    built-in dataset: the ratio of the medians, or for accuracy their difference in points."""
    rows = []
    for family in families:
        for figure, (label, decimals, comparison) in FIGURES.items():
            row, medians = {"model": family, "figure": label}, {}
            for framework, name in SIDES.items():
                runs = frame[(frame["family"] == family) & (frame["framework"] == framework)]
                values = runs[figure].dropna().to_numpy()
                medians[framework] = float(np.median(values)) if len(values) else math.nan
                row[name] = spread(values, decimals)
            row["folder vs built-in"] = _compare(
                medians[FOLDER_FRAMEWORK], medians["kerasmap"], comparison
            )
            rows.append(row)
    return pd.DataFrame(rows)


def _compare(folder: float, built_in: float, comparison: str) -> str:
    if math.isnan(folder) or math.isnan(built_in):
        return ""
    if comparison == "points":
        return f"{100 * (folder - built_in):+.2f} points"
    return f"{folder / built_in:.2f}x"


def folder_section(records: list[dict], options: dict, targets: dict[str, float]) -> str:
    """The Markdown of the image-folder case, for `table.md`."""
    frame = folder_frame(records, targets)
    table = folder_table(frame, options["families"])
    kept = f"first {options['limit']:,}" if options["limit"] else "60,000"
    return (
        f"\nImage folders: Fashion-MNIST written once as PNG files (the {kept} training "
        "images, the 10,000 test images; `train/<class>/`, `test/<class>/`) and trained with "
        "`data=image_folder data.path=<folder>` and no other data option, beside the built-in "
        "runs above: same model, epochs, batch, learning rate and `data.limit`, interleaved. "
        "The start-up holds the reading and decoding. Last column: the folder's median over "
        "the built-in's; for accuracy, the difference in points.\n\n"
        f"{table.to_markdown(index=False, disable_numparse=True)}\n"
    )
