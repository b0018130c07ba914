"""The output layer, loss and metrics that follow from the task."""

import keras
from keras import layers

from kerasmap.models.validation import check_choice, invalid_argument
from kerasmap.tasks import TASK_METRICS, TASKS

# Each metric of `kerasmap.tasks.TASK_METRICS`, built for its task's targets.
METRICS = {
    "multiclass": {"accuracy": lambda: keras.metrics.SparseCategoricalAccuracy(name="accuracy")},
    "binary": {
        "accuracy": lambda: keras.metrics.BinaryAccuracy(name="accuracy"),
        "auc": lambda: keras.metrics.AUC(name="auc"),
    },
    "regression": {"mae": lambda: keras.metrics.MeanAbsoluteError(name="mae")},
}
LOSSES = {
    "multiclass": keras.losses.SparseCategoricalCrossentropy,
    "binary": keras.losses.BinaryCrossentropy,
    "regression": keras.losses.MeanSquaredError,
}


def output_layer(task, num_classes, kernel_regularizer=None):
    """Returns the final layer of a model for `task`.

    The layer always computes in float32, so that under a mixed precision policy the
    probabilities and the loss are not rounded to half precision.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        num_classes: Number of classes; at least 2 for `"multiclass"`, ignored otherwise.
        kernel_regularizer: A penalty on the layer's kernel. Defaults to `None`.

    Returns:
        A `Dense` layer named `"head"`: `num_classes` softmax units for `"multiclass"`,
        one sigmoid unit for `"binary"`, one linear unit for `"regression"`.

    Raises:
        ConfigError: If `task` is unknown, or a multiclass task has fewer than 2 classes.
    """
    units = output_units(task, num_classes)
    return layers.Dense(
        units,
        activation=output_activation(task),
        kernel_regularizer=kernel_regularizer,
        dtype="float32",
        name="head",
    )


def output_units(task, num_classes):
    """The number of output units: `num_classes` for `"multiclass"`, else one.

    Raises:
        ConfigError: If `task` is unknown, or a multiclass task has fewer than 2 classes.
    """
    check_choice("task", task, TASKS)
    if task == "multiclass" and num_classes < 2:
        raise invalid_argument("num_classes", "an integer >= 2 for task='multiclass'", num_classes)
    return num_classes if task == "multiclass" else 1


def output_activation(task):
    """The activation of the output units: softmax, sigmoid or linear, by `task`.

    Raises:
        ConfigError: If `task` is unknown.
    """
    check_choice("task", task, TASKS)
    return {"multiclass": "softmax", "binary": "sigmoid", "regression": "linear"}[task]


def loss_and_metrics(task):
    """Returns the loss and metrics to compile a model for `task` with.

    Args:
        task: One of `"multiclass"`, `"binary"`, `"regression"`.

    Returns:
        A `(loss, metrics)` tuple, the metrics named as in `kerasmap.tasks.TASK_METRICS`.
        Targets are integer class ids for `"multiclass"`, 0/1 for `"binary"` and floats
        for `"regression"`.

    Raises:
        ConfigError: If `task` is unknown.
    """
    check_choice("task", task, TASKS)
    return LOSSES[task](), [METRICS[task][name]() for name in TASK_METRICS[task]]
