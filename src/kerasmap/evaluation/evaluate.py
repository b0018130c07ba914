"""Evaluate a fitted model on the test split."""

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from kerasmap.data.bundle import DatasetBundle
from kerasmap.evaluation.classification_report import confusion_matrix, per_class_report
from kerasmap.models.head import loss_and_metrics


@dataclass(frozen=True)
class Evaluation:
    """Test-split results.

    Args:
        metrics: `test_loss` and each compiled metric as `test_<name>`; for
            classification also `test_macro_f1`.
        confusion: Confusion matrix for classification, else `None`.
        report: Per-class precision / recall / F1 for classification, else `None`.
        targets: The true values, for regression; else `None`.
        predictions: The predicted values, for regression; else `None`.
    """

    metrics: dict[str, float]
    confusion: np.ndarray | None = None
    report: pd.DataFrame | None = None
    targets: np.ndarray | None = None
    predictions: np.ndarray | None = None


def predicted_classes(outputs: np.ndarray, task: str) -> np.ndarray:
    """Class ids of the model's outputs: argmax for multiclass, 0.5 threshold for binary."""
    if task == "binary":
        return (outputs.reshape(-1) > 0.5).astype(np.int64)
    return outputs.argmax(axis=-1)


def scores_of(model: keras.Model, task: str, labels: np.ndarray, outputs: np.ndarray) -> dict:
    """The loss (with the model's weight penalties) and the task's metrics of `outputs`.

    What `model.evaluate` returns, computed from predictions already made, so the test split
    goes through the model once (`model.evaluate` would trace and run a function of its own).
    """
    loss, metrics = loss_and_metrics(task)
    penalty = float(sum(keras.ops.convert_to_numpy(term) for term in model.losses))
    scores = {"loss": float(loss(labels, outputs)) + penalty}
    for metric in metrics:
        metric.update_state(labels, outputs)
        scores[metric.name] = float(metric.result())
    return scores


def regression_metrics(targets: np.ndarray, predictions: np.ndarray) -> dict[str, float]:
    """MSE, MAE, RMSE and R^2 (NaN when the targets do not vary) of predicted values."""
    errors = np.asarray(predictions, float) - np.asarray(targets, float)
    mse = float(np.mean(errors**2))
    spread = float(np.sum((targets - np.mean(targets)) ** 2))
    return {
        "mse": mse,
        "mae": float(np.mean(np.abs(errors))),
        "rmse": mse**0.5,
        "r2": 1 - float(np.sum(errors**2)) / spread if spread else float("nan"),
    }


def _regression(metrics: dict, targets: np.ndarray, outputs: np.ndarray) -> Evaluation:
    """MSE, MAE, RMSE and R^2 on the test split, with the values for the plots."""
    predictions = outputs.reshape(-1)
    scores = regression_metrics(targets, predictions)
    metrics |= {f"test_{name}": value for name, value in scores.items()}
    return Evaluation(metrics=metrics, targets=targets, predictions=predictions)


def evaluate_model(model: keras.Model, bundle: DatasetBundle) -> Evaluation:
    """Computes test metrics: for classification with the confusion matrix and report, for
    regression MSE, MAE, RMSE and R^2 with the predictions.

    Args:
        model: The fitted model (holding its best weights).
        bundle: The prepared datasets; `bundle.test` is used.

    Returns:
        An `Evaluation`.
    """
    outputs = model.predict(bundle.test.map(lambda x, y: x), verbose=0)
    labels = np.concatenate(list(bundle.test.map(lambda x, y: y).as_numpy_iterator()))
    scores = scores_of(model, bundle.task, labels, outputs)
    metrics = {f"test_{name}": value for name, value in scores.items()}
    if bundle.task == "regression":
        return _regression(metrics, labels, outputs)
    predictions = predicted_classes(outputs, bundle.task)
    matrix = confusion_matrix(labels, predictions, len(bundle.class_names))
    report = per_class_report(matrix, bundle.class_names)
    metrics["test_macro_f1"] = float(report["f1"].iloc[-1])
    return Evaluation(metrics=metrics, confusion=matrix, report=report)
