"""The output layer, loss and metrics that follow from the task."""

import keras
from keras import layers

from kerasmap.models.validation import check_choice, check_positive_int, invalid_argument

TASKS = ("multiclass", "binary", "regression")

# The metric that early stopping and checkpointing watch (as `val_<name>`) for each task.
MONITORED_METRICS = {"multiclass": "accuracy", "binary": "accuracy", "regression": "mae"}


def output_layer(task, num_classes):
    """Returns the final layer of a model for `task`.

    The layer always computes in float32, so that under a mixed precision policy the
    probabilities and the loss are not rounded to half precision.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        num_classes: Number of classes; at least 2 for `"multiclass"`, ignored otherwise.

    Returns:
        A `Dense` layer named `"head"`: `num_classes` softmax units for `"multiclass"`,
        one sigmoid unit for `"binary"`, one linear unit for `"regression"`.

    Raises:
        ConfigError: If `task` is unknown or `num_classes` does not fit it.
    """
    check_choice("task", task, TASKS)
    num_classes = check_positive_int("num_classes", num_classes)
    if task == "multiclass":
        if num_classes < 2:
            raise invalid_argument(
                "num_classes", "an integer >= 2 for task='multiclass'", num_classes
            )
        return layers.Dense(num_classes, activation="softmax", dtype="float32", name="head")
    activation = "sigmoid" if task == "binary" else "linear"
    return layers.Dense(1, activation=activation, dtype="float32", name="head")


def loss_and_metrics(task):
    """Returns the loss and metrics to compile a model for `task` with.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.

    Returns:
        A `(loss, metrics)` tuple. Targets are integer class ids for `"multiclass"`,
        0/1 for `"binary"` and floats for `"regression"`.

    Raises:
        ConfigError: If `task` is unknown.
    """
    check_choice("task", task, TASKS)
    if task == "multiclass":
        return keras.losses.SparseCategoricalCrossentropy(), [
            keras.metrics.SparseCategoricalAccuracy(name="accuracy")
        ]
    if task == "binary":
        return keras.losses.BinaryCrossentropy(), [
            keras.metrics.BinaryAccuracy(name="accuracy"),
            keras.metrics.AUC(name="auc"),
        ]
    return keras.losses.MeanSquaredError(), [keras.metrics.MeanAbsoluteError(name="mae")]


def monitored_metric(task):
    """Returns the name of the metric that best summarizes a model for `task`.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.

    Returns:
        `"accuracy"` for classification, `"mae"` for regression.

    Raises:
        ConfigError: If `task` is unknown.
    """
    return MONITORED_METRICS[check_choice("task", task, TASKS)]
