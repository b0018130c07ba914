"""The tables that ship with scikit-learn, read offline from its package."""

from functools import partial

from sklearn import datasets

from table import Table

# Name -> (loader, task). The diabetes table keeps its original units, as a user's file would.
BUNDLED = {
    "iris": (datasets.load_iris, "multiclass"),
    "wine": (datasets.load_wine, "multiclass"),
    "breast_cancer": (datasets.load_breast_cancer, "binary"),
    "diabetes": (partial(datasets.load_diabetes, scaled=False), "regression"),
    "digits": (datasets.load_digits, "multiclass"),  # 8x8 images as 64 pixel columns
}


def bundled_table(name: str) -> Table:
    """One of `BUNDLED` as a `Table` whose target column is `target`."""
    loader, task = BUNDLED[name]
    return Table(name, loader(as_frame=True).frame, target="target", task=task)
