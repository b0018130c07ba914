"""Evaluate a fitted model on the test split."""

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from kerasmap.data.bundle import DatasetBundle
from kerasmap.evaluation.classification_report import confusion_matrix, per_class_report


@dataclass(frozen=True)
class Evaluation:
    """Test-split results.

    Args:
        metrics: `test_loss` and each compiled metric as `test_<name>`; for
            classification also `test_macro_f1`.
        confusion: Confusion matrix for classification, else `None`.
        report: Per-class precision / recall / F1 for classification, else `None`.
    """

    metrics: dict[str, float]
    confusion: np.ndarray | None = None
    report: pd.DataFrame | None = None


def predicted_classes(model: keras.Model, inputs, task: str) -> np.ndarray:
    """Class ids the model predicts: argmax for multiclass, 0.5 threshold for binary."""
    outputs = model.predict(inputs, verbose=0)
    if task == "binary":
        return (outputs.reshape(-1) > 0.5).astype(np.int64)
    return outputs.argmax(axis=-1)


def evaluate_model(model: keras.Model, bundle: DatasetBundle) -> Evaluation:
    """Computes test metrics and, for classification, the confusion matrix and report.

    Args:
        model: The fitted model (holding its best weights).
        bundle: The prepared datasets; `bundle.test` is used.

    Returns:
        An `Evaluation`.
    """
    scores = model.evaluate(bundle.test, return_dict=True, verbose=0)
    metrics = {f"test_{name}": float(value) for name, value in scores.items()}
    if bundle.task == "regression":
        return Evaluation(metrics=metrics)
    labels = np.concatenate([np.asarray(y) for _, y in bundle.test.as_numpy_iterator()])
    predictions = predicted_classes(model, bundle.test.map(lambda x, y: x), bundle.task)
    matrix = confusion_matrix(labels, predictions, len(bundle.class_names))
    report = per_class_report(matrix, bundle.class_names)
    metrics["test_macro_f1"] = float(report["f1"].iloc[-1])
    return Evaluation(metrics=metrics, confusion=matrix, report=report)
