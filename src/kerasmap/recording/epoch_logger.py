"""A Keras callback that records every epoch in the active MLflow run."""

import time

import keras
import mlflow
import numpy as np
from mlflow import MlflowClient


class EpochLogger(keras.callbacks.Callback):
    """Logs losses, metrics, learning rate, epoch seconds and training throughput.

    Each value is an MLflow metric with `step` = the epoch number (0-based), so the
    MLflow UI draws learning curves and compares runs epoch by epoch. `learning_rate` is
    the rate the epoch started with, after any schedule or plateau reduction. In a resumed run,
    epochs the interrupted attempt already recorded are not recorded twice.

    Args:
        num_train: Training examples per epoch, for `samples_per_second`.
    """

    def __init__(self, num_train: int):
        super().__init__()
        self.num_train = num_train
        self._epoch_start = 0.0
        self._epoch_rate = 0.0
        self._train_seconds = None
        self._first_new_epoch = 0

    def on_train_begin(self, logs=None):
        recorded = MlflowClient().get_metric_history(mlflow.active_run().info.run_id, "loss")
        self._first_new_epoch = max((point.step for point in recorded), default=-1) + 1

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_rate = self.current_learning_rate()
        self._epoch_start = time.perf_counter()
        self._train_seconds = None

    def on_test_begin(self, logs=None):
        # Validation runs inside the epoch; throughput counts the training part only.
        if self._train_seconds is None:
            self._train_seconds = time.perf_counter() - self._epoch_start

    def on_epoch_end(self, epoch, logs=None):
        if epoch < self._first_new_epoch:
            return
        epoch_seconds = time.perf_counter() - self._epoch_start
        train_seconds = self._train_seconds or epoch_seconds
        metrics = {name: float(value) for name, value in (logs or {}).items()}
        metrics["learning_rate"] = self._epoch_rate
        metrics["epoch_seconds"] = epoch_seconds
        metrics["samples_per_second"] = self.num_train / train_seconds
        mlflow.log_metrics(metrics, step=epoch)

    def current_learning_rate(self) -> float:
        """The optimizer's learning rate now, after any schedule."""
        return float(np.asarray(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
