"""The head, loss and metrics follow from the task alone, as `kerasmap.tasks` states it."""

import keras
import pytest

from kerasmap.errors import ConfigError
from kerasmap.models.head import loss_and_metrics, output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.tasks import MONITORED_METRICS, TASK_METRICS, TASKS, natural_direction

HEADS = [("multiclass", 10, "softmax"), ("binary", 1, "sigmoid"), ("regression", 1, "linear")]
# Integer class ids need the sparse metrics; 0/1 targets the binary ones.
LOSSES_AND_METRICS = [
    (
        "multiclass",
        keras.losses.SparseCategoricalCrossentropy,
        [keras.metrics.SparseCategoricalAccuracy],
    ),
    ("binary", keras.losses.BinaryCrossentropy, [keras.metrics.BinaryAccuracy, keras.metrics.AUC]),
    ("regression", keras.losses.MeanSquaredError, [keras.metrics.MeanAbsoluteError]),
]


def test_every_task_has_a_head_a_loss_and_metrics():
    assert [task for task, *_ in HEADS] == [task for task, *_ in LOSSES_AND_METRICS] == list(TASKS)
    assert set(TASK_METRICS) == set(MONITORED_METRICS) == set(TASKS)


@pytest.mark.parametrize(("task", "units", "activation"), HEADS)
def test_output_layer_fits_the_task_and_computes_in_float32(task, units, activation):
    head = output_layer(task, num_classes=10)

    assert head.name == "head"
    assert head.units == units
    assert head.activation.__name__ == activation
    assert head.dtype_policy.name == "float32"


@pytest.mark.parametrize(("task", "loss", "metric_classes"), LOSSES_AND_METRICS)
def test_loss_and_metrics_fit_the_task(task, loss, metric_classes):
    task_loss, metrics = loss_and_metrics(task)

    assert isinstance(task_loss, loss)
    assert [type(metric) for metric in metrics] == metric_classes
    assert tuple(metric.name for metric in metrics) == TASK_METRICS[task]


@pytest.mark.parametrize(
    ("task", "direction"),
    [("multiclass", "maximize"), ("binary", "maximize"), ("regression", "minimize")],
)
def test_monitored_metric_is_compiled_and_improves_its_natural_way(task, direction):
    assert MONITORED_METRICS[task] in TASK_METRICS[task]
    assert natural_direction(MONITORED_METRICS[task]) == direction


@pytest.mark.parametrize("function", [loss_and_metrics, lambda task: output_layer(task, 10)])
def test_unknown_task_is_a_config_error(function):
    message = (
        r"`task`, expected one of \['binary', 'multiclass', 'regression'\]. "
        r"Received: task='ranking'"
    )
    with pytest.raises(ConfigError, match=message):
        function("ranking")


def test_multiclass_head_needs_two_classes():
    message = (
        r"`num_classes`, expected an integer >= 2 for task='multiclass'. Received: num_classes=1"
    )
    with pytest.raises(ConfigError, match=message):
        output_layer("multiclass", num_classes=1)


def test_kernel_regularizer_is_none_without_a_penalty():
    assert kernel_regularizer(0.0, 0.0) is None

    regularizer = kernel_regularizer(0.0, 1e-4)

    assert isinstance(regularizer, keras.regularizers.L1L2)
    assert regularizer.get_config() == {"l1": 0.0, "l2": pytest.approx(1e-4)}
