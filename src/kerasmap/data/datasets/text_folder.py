"""A user's folder of texts: one subfolder of `.txt` files per class."""

import numpy as np

from kerasmap.data.arrays import RawSplits
from kerasmap.data.fingerprint import fingerprint_files
from kerasmap.data.folders import carve_test_split, class_folders, files_by_class
from kerasmap.data.source_files import invalid_path

EXPECTED = "a folder with one subfolder of UTF-8 .txt files per class"
NUM_EXAMPLES = 5


def load_text_folder(
    path: str, *, max_tokens: int, sequence_length: int, test_fraction: float, seed: int
) -> RawSplits:
    """Reads every document with its class from its subfolder.

    Read with `keras.utils.text_dataset_from_directory`; a `path/train/` + `path/test/`
    layout is used as given, otherwise a seeded, stratified test split of `test_fraction`
    is carved. The logged model reads raw strings: `TextVectorization` (`max_tokens`,
    `sequence_length`) is its first layer.

    Raises:
        DataError: If the folder has no class subfolders, fewer than two classes, a class
            with no `.txt` file, or a file that is not UTF-8 text.
    """
    splits = class_folders(path, EXPECTED)
    texts = {name: _read_texts(path, folder) for name, folder in splits.items()}
    class_names = texts["train" if "train" in texts else "all"][2]
    if "all" in texts:
        documents, labels, _ = texts["all"]
        train, test = carve_test_split(documents, labels, class_names, test_fraction, seed)
        texts = {"train": (*train, class_names), "test": (*test, class_names)}
    (x_train, y_train, _), (x_test, y_test, test_classes) = texts["train"], texts["test"]
    if test_classes != class_names:
        problem = f"the test classes {test_classes} differ from the training classes {class_names}"
        raise invalid_path(path, problem, EXPECTED)
    return RawSplits(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=tuple(class_names),
        fingerprint=fingerprint_files(_all_files(splits)),
        input_kind="text",
        task="multiclass",
        preprocessor=lambda documents: _preprocessor(documents, max_tokens, sequence_length),
        stratify=True,
        description={
            "class_names": class_names,
            "max_tokens": max_tokens,
            "sequence_length": sequence_length,
        },
        raw_example=_example(x_test),
    )


def _read_texts(path, folder):
    import keras

    by_class = files_by_class(folder, (".txt",))
    empty = [name for name, files in by_class.items() if not files]
    if empty:
        raise invalid_path(
            path, f"the class folders {', '.join(empty)} hold no .txt files", EXPECTED
        )
    if len(by_class) < 2:
        raise invalid_path(path, f"it has a single class ({', '.join(by_class)})", EXPECTED)
    for files in by_class.values():
        for file in files:
            _require_utf8(path, file)
    dataset = keras.utils.text_dataset_from_directory(
        folder, batch_size=None, shuffle=False, class_names=sorted(by_class)
    )
    documents, labels = [], []
    for document, label in dataset.as_numpy_iterator():
        documents.append(document.decode("utf-8"))
        labels.append(int(label))
    return np.array(documents, dtype=object), np.array(labels, dtype=np.int64), sorted(by_class)


def _require_utf8(path, file) -> None:
    try:
        file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"{file} is not UTF-8 text (byte {error.start} cannot be decoded)"
        raise invalid_path(path, problem, EXPECTED) from None


def _all_files(splits) -> list:
    return [
        file
        for folder in splits.values()
        for files in files_by_class(folder, (".txt",)).values()
        for file in files
    ]


def _example(documents: np.ndarray):
    import pandas as pd

    return pd.DataFrame({"text": documents[:NUM_EXAMPLES].tolist()})


def _preprocessor(documents, max_tokens, sequence_length):
    from kerasmap.data.raw_inputs import text_preprocessor

    return text_preprocessor(documents, max_tokens, sequence_length)
