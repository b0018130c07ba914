"""A user's folder of examples, one subfolder per class, optionally split into train/ and test/."""

from pathlib import Path

import numpy as np

from kerasmap.data.source_files import invalid_path
from kerasmap.data.splits import stratified_split

SPLIT_FOLDERS = ("train", "test")


def class_folders(path: str | Path, expected: str, key: str = "data.path") -> dict[str, Path]:
    """The split folders of `path`: `{"train": ..., "test": ...}`, or `{"all": path}`.

    Raises:
        DataError: If `path` is not a folder, or a folder used holds no class subfolders.
    """
    folder = Path(path)
    if not folder.is_dir():
        problem = "directory not found" if not folder.exists() else "it is a file, not a directory"
        raise invalid_path(path, problem, expected, key)
    if all((folder / name).is_dir() for name in SPLIT_FOLDERS):
        splits = {name: folder / name for name in SPLIT_FOLDERS}
    else:
        splits = {"all": folder}
    for split in splits.values():
        if not any(child.is_dir() for child in split.iterdir()):
            raise invalid_path(path, f"{split} holds no class subfolders", expected, key)
    return splits


def files_by_class(folder: Path, suffixes: tuple[str, ...]) -> dict[str, list[Path]]:
    """The files of each class subfolder with one of `suffixes`, classes and files sorted."""
    return {
        child.name: sorted(
            file for file in child.rglob("*") if file.is_file() and file.suffix.lower() in suffixes
        )
        for child in sorted(folder.iterdir())
        if child.is_dir()
    }


def carve_test_split(inputs: np.ndarray, labels: np.ndarray, class_names, test_fraction, seed):
    """A seeded, stratified test split, for a folder without `train/` and `test/` folders.

    Returns:
        `((train inputs, train labels), (test inputs, test labels))`.
    """
    held_out = max(len(class_names), round(len(labels) * test_fraction))
    train, test = stratified_split(labels, held_out, seed, tuple(class_names))
    return (inputs[train], labels[train]), (inputs[test], labels[test])
