"""Log what fitting and evaluation produced: best and test metrics, plots, per-class report."""

import keras
import mlflow
import numpy as np
from matplotlib import pyplot as plt
from mlflow import MlflowClient

from kerasmap.data.bundle import DatasetBundle
from kerasmap.evaluation.evaluate import Evaluation
from kerasmap.evaluation.plots import plot_confusion_matrix, plot_learning_curves, plot_regression
from kerasmap.tasks import MONITORED_METRICS, natural_direction


def best_value(history: dict[str, list[float]], monitor: str) -> float:
    """The best epoch's value of `monitor`: the highest for scores, the lowest for losses."""
    values = np.asarray(history[monitor], dtype=float)
    maximize = natural_direction(monitor) == "maximize"
    return float(np.nanmax(values) if maximize else np.nanmin(values))


def recorded_history(history: keras.callbacks.History) -> dict[str, list[float]]:
    """Every epoch of the active run as recorded in MLflow, keyed like `History.history`.

    A resumed run's Keras `History` holds only the epochs since the restart; the run in
    MLflow holds them all, including the interrupted attempt's.
    """
    client = MlflowClient()
    run_id = mlflow.active_run().info.run_id
    recorded = {}
    for name in history.history:
        points = sorted(client.get_metric_history(run_id, name), key=lambda point: point.step)
        recorded[name] = [point.value for point in points]
    return recorded


def log_results(
    history: keras.callbacks.History, evaluation: Evaluation, bundle: DatasetBundle, monitor: str
) -> float:
    """Logs test metrics, `best_<monitor>`, `epochs_run`, plots and the per-class report.

    Returns:
        The best value of `monitor` over all epochs, for sweepers to optimise.
    """
    epochs = recorded_history(history)
    best = best_value(epochs, monitor)
    mlflow.log_metrics(
        {**evaluation.metrics, f"best_{monitor}": best, "epochs_run": float(len(epochs["loss"]))}
    )
    _log_figure(
        plot_learning_curves(epochs, MONITORED_METRICS[bundle.task]),
        "plots/learning_curves.png",
    )
    if evaluation.predictions is not None:
        _log_figure(
            plot_regression(evaluation.targets, evaluation.predictions), "plots/regression.png"
        )
    if evaluation.confusion is not None:
        _log_figure(
            plot_confusion_matrix(evaluation.confusion, bundle.class_names),
            "plots/confusion_matrix.png",
        )
        mlflow.log_text(evaluation.report.to_csv(index=False), "reports/per_class.csv")
    return best


def _log_figure(figure, artifact_file: str) -> None:
    mlflow.log_figure(figure, artifact_file)
    plt.close(figure)
