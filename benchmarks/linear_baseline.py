"""A linear model on the test split kerasmap makes of a table of numbers, for scale.

    python benchmarks/linear_baseline.py breast_cancer.csv target [--test-fraction 0.2] [--seed 42]

Reads the table as `data=table` does (same rows, same seeded and stratified test split with
the defaults `data.test_fraction=0.2` and `seed=42`), fits a standardised logistic
regression (classification) or ordinary least squares (regression) to the training rows and
prints its test figures, to set beside those of kerasmap's runs. Every column must hold
numbers (integer categories and booleans are taken as numbers), none missing.
"""

import argparse
import sys

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from kerasmap.data.datasets.table import load_table

NUMBERS = ("numeric", "integer_category", "boolean")  # column types read as plain numbers


def main(path: str, target: str, test_fraction: float = 0.2, seed: int = 42) -> None:
    splits = load_table(
        path,
        target=target,
        task="auto",
        features=None,
        drop=[],
        test_path=None,
        test_fraction=test_fraction,
        stratify=True,
        column_types={},
        seed=seed,
    )
    types = splits.description["column_types"]
    not_numbers = [column for column, kind in types.items() if kind not in NUMBERS]
    if not_numbers:
        sys.exit(f"This baseline takes columns of numbers only; {', '.join(not_numbers)} are not.")
    x_train = np.column_stack(list(splits.x_train.values())).astype(np.float64)
    x_test = np.column_stack(list(splits.x_test.values())).astype(np.float64)
    if np.isnan(x_train).any() or np.isnan(x_test).any():
        sys.exit("This baseline takes tables without missing cells.")
    if splits.task == "regression":
        model = LinearRegression().fit(x_train, splits.y_train)
        predicted = model.predict(x_test)
        figures = {
            "test_r2": r2_score(splits.y_test, predicted),
            "test_rmse": mean_squared_error(splits.y_test, predicted) ** 0.5,
        }
    else:
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        model.fit(x_train, splits.y_train)
        figures = {"test_accuracy": accuracy_score(splits.y_test, model.predict(x_test))}
        if splits.task == "binary":
            figures["test_auc"] = roc_auc_score(splits.y_test, model.predict_proba(x_test)[:, 1])
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    print(f"{type(estimator).__name__} on {path} ({splits.task})")
    for name, value in figures.items():
        print(f"  {name:<14} {value:.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a .csv, .tsv or .parquet file with a header row")
    parser.add_argument("target", help="the column to predict")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    main(arguments.path, arguments.target, arguments.test_fraction, arguments.seed)
