"""A benchmark table, and the one seeded split every model of the benchmark is given."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

TEST_FRACTION = 0.2
SPLIT_SEED = 42
METRICS = {"multiclass": "accuracy", "binary": "roc_auc", "regression": "r2"}


@dataclass(frozen=True)
class Table:
    """A table to learn from, as a user would hand it to kerasmap.

    Args:
        name: The table's name in the benchmark, e.g. `"iris"`.
        frame: Every row, the target column included. The column dtypes say how scikit-learn
            reads a column: numbers and booleans as numbers, `datetime64` as dates, any other
            as a category (unless named in `text_columns`). kerasmap infers them from the CSV.
        target: The column to predict.
        task: `"multiclass"`, `"binary"` or `"regression"`.
        text_columns: Columns of free text, read as bags of words. Defaults to `()`.
    """

    name: str
    frame: pd.DataFrame
    target: str
    task: str
    text_columns: tuple[str, ...] = ()

    @property
    def metric(self) -> str:
        """The figure the benchmark compares: accuracy, ROC AUC or R^2."""
        return METRICS[self.task]

    @property
    def num_features(self) -> int:
        return self.frame.shape[1] - 1


def split_table(table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training and test rows: a seeded 80/20 split, stratified for classification."""
    stratify = None if table.task == "regression" else table.frame[table.target]
    return train_test_split(
        table.frame, test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=stratify
    )


def write_split(train: pd.DataFrame, test: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    """Writes the two splits as `train.csv` and `test.csv` in `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "train.csv", folder / "test.csv"
    for rows, path in zip((train, test), paths, strict=True):
        rows.to_csv(path, index=False)
    return paths
