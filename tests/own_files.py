"""Small files of a user's own data, written by the tests: tables, image folders, text folders."""

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

HOMES_TYPES = {  # the column types kerasmap infers for `homes_table()`
    "age": "numeric",
    "city": "string_category",
    "rooms": "integer_category",
    "member": "boolean",
    "joined": "datetime",
    "notes": "text",
    "price": "numeric",
    "band": "string_category",
}


def homes_table(rows: int = 240, seed: int = 0) -> pd.DataFrame:
    """A table with numeric, integer, string, boolean, date and free-text columns.

    `price` is a numeric target (a regression); `band` a class label made from it. Some
    cells are missing: `age` in about 10% of rows, `city` in about 5%.
    """
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows).astype(float)
    age[rng.random(rows) < 0.1] = np.nan
    city = rng.choice(["paris", "rome", "oslo"], rows).astype(object)
    city[rng.random(rows) < 0.05] = None
    rooms = rng.integers(1, 5, rows)
    joined = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D")
    words = np.array(["bright", "quiet", "garden", "view", "modern", "old", "large", "cosy"])
    notes = [" ".join(rng.choice(words, 4)) + f" note {index}" for index in range(rows)]
    price = 1000 + 20 * np.nan_to_num(age, nan=45) + 300 * rooms + rng.normal(0, 40, rows)
    return pd.DataFrame(
        {
            "age": age,
            "city": city,
            "rooms": rooms,
            "member": rng.choice(["yes", "no"], rows),
            "joined": joined.strftime("%Y-%m-%d"),
            "notes": notes,
            "price": price.round(2),
            "band": np.where(price > np.median(price), "high", "low"),
        }
    )


def write_table(path: Path, frame: pd.DataFrame | None = None) -> Path:
    """Writes a table as its suffix says: `.csv`, `.tsv` or `.parquet`."""
    frame = homes_table() if frame is None else frame
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",")
    return path


def write_image_folder(folder: Path, per_class: int = 12, seed: int = 0) -> Path:
    """PNGs of varied sizes in `dark/` and `light/`: the class sets the brightness."""
    rng = np.random.default_rng(seed)
    for label, brightness in (("dark", 50), ("light", 200)):
        (folder / label).mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            size = (18 + index % 4, 20 + index % 3)
            pixels = np.clip(rng.normal(brightness, 25, (*size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(folder / label / f"{index}.png")
    return folder


TOPICS = {
    "food": ["bread", "cheese", "soup", "salt", "apple", "butter"],
    "sport": ["goal", "match", "team", "score", "ball", "race"],
}


def write_text_folder(folder: Path, per_class: int = 12, seed: int = 0) -> Path:
    """`.txt` documents in `food/` and `sport/`, each made of its topic's words."""
    rng = np.random.default_rng(seed)
    for label, words in TOPICS.items():
        (folder / label).mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            text = " ".join(rng.choice(words, 10)) + " the and of"
            (folder / label / f"{index}.txt").write_text(text)
    return folder
