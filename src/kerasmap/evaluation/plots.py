"""Matplotlib figures of a run: learning curves and the confusion matrix."""

import matplotlib

matplotlib.use("Agg")  # files only: training runs on servers with no display

import numpy as np  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def plot_learning_curves(history: dict[str, list[float]], metric: str) -> Figure:
    """Train vs validation loss, and train vs validation `metric`, per epoch.

    Args:
        history: Keras `History.history`: lists keyed by `loss`, `val_loss`, ...
        metric: The metric beside the loss, e.g. `"accuracy"` or `"mae"`.

    Returns:
        A figure with one panel for the loss and one for the metric.
    """
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for axis, name in zip(axes, ("loss", metric), strict=True):
        epochs = np.arange(1, len(history.get(name, [])) + 1)
        axis.plot(epochs, history.get(name, []), marker="o", label="train")
        axis.plot(epochs, history.get(f"val_{name}", []), marker="o", label="validation")
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.set_title(f"{name} per epoch")
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    return figure


def plot_confusion_matrix(matrix: np.ndarray, class_names) -> Figure:
    """A heat map of true (rows) against predicted (columns) classes, with counts."""
    size = max(4.0, 0.6 * len(class_names) + 2)
    figure, axis = plt.subplots(figsize=(size, size))
    image = axis.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axis, fraction=0.046)
    ticks = np.arange(len(class_names))
    axis.set_xticks(ticks, labels=class_names, rotation=45, ha="right")
    axis.set_yticks(ticks, labels=class_names)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    threshold = matrix.max() / 2 if matrix.size else 0
    for (row, column), count in np.ndenumerate(matrix):
        color = "white" if count > threshold else "black"
        axis.text(column, row, str(count), ha="center", va="center", color=color, fontsize=8)
    axis.set_title("Confusion matrix (test split)")
    figure.tight_layout()
    return figure


def plot_regression(targets: np.ndarray, predictions: np.ndarray) -> Figure:
    """Predicted against true values, and the residuals against the predictions."""
    figure, (scatter, residuals) = plt.subplots(1, 2, figsize=(10, 4))
    scatter.scatter(targets, predictions, s=8, alpha=0.6)
    low, high = (
        float(min(targets.min(), predictions.min())),
        float(max(targets.max(), predictions.max())),
    )
    scatter.plot([low, high], [low, high], color="grey", linestyle="--", label="predicted = true")
    scatter.set_xlabel("true")
    scatter.set_ylabel("predicted")
    scatter.set_title("Predicted against true (test split)")
    scatter.legend()
    residuals.scatter(predictions, predictions - targets, s=8, alpha=0.6)
    residuals.axhline(0, color="grey", linestyle="--")
    residuals.set_xlabel("predicted")
    residuals.set_ylabel("predicted - true")
    residuals.set_title("Residuals (test split)")
    for axis in (scatter, residuals):
        axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure
