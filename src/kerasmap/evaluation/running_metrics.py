"""Metrics summed up one batch at a time, so that predicting a file of any length keeps
only counts and sums in memory, never every label."""

import numpy as np

from kerasmap.evaluation.classification_report import confusion_matrix, per_class_report


class RunningClassification:
    """Accuracy and macro F1 from a confusion matrix that grows batch by batch.

    Args:
        class_names: The model's classes; a true label outside them is counted apart.
    """

    def __init__(self, class_names: list[str]):
        self.class_names = list(class_names)
        self.codes = {name: code for code, name in enumerate(self.class_names)}
        self.matrix = np.zeros((len(self.codes), len(self.codes)), dtype=np.int64)
        self.unknown: dict[str, int] = {}

    def update(self, truths: list, predictions: list) -> None:
        true = np.array([self.codes.get(str(label), -1) for label in truths])
        for label in (str(label) for label in np.asarray(truths, object)[true < 0]):
            self.unknown[label] = self.unknown.get(label, 0) + 1
        predicted = np.array([self.codes[label] for label in predictions])
        known = true >= 0
        self.matrix += confusion_matrix(true[known], predicted[known], len(self.codes))

    def result(self) -> dict[str, float]:
        """`accuracy` and `macro_f1` over the examples of known classes; empty if none."""
        if not self.matrix.sum():
            return {}
        report = per_class_report(self.matrix, tuple(self.class_names))
        return {
            "accuracy": float(np.trace(self.matrix) / self.matrix.sum()),
            "macro_f1": float(report["f1"].iloc[-1]),
        }


class RunningRegression:
    """MSE, MAE, RMSE and R^2 from running sums."""

    def __init__(self):
        self.count = 0
        self.sums = np.zeros(4)  # squared errors, absolute errors, targets, squared targets

    def update(self, truths: list, predictions: list) -> None:
        targets = np.asarray(truths, float)
        errors = np.asarray(predictions, float) - targets
        self.count += len(targets)
        self.sums += [np.sum(errors**2), np.sum(np.abs(errors)), targets.sum(), (targets**2).sum()]

    def result(self) -> dict[str, float]:
        if not self.count:
            return {}
        squared, absolute, total, total_squared = self.sums
        spread = total_squared - total**2 / self.count
        mse = squared / self.count
        return {
            "mse": float(mse),
            "mae": float(absolute / self.count),
            "rmse": float(mse**0.5),
            "r2": float(1 - squared / spread) if spread > 0 else float("nan"),
        }
