"""The head, loss and metrics follow from the task alone."""

import keras
import pytest

from kerasmap.errors import ConfigError
from kerasmap.models import loss_and_metrics, monitored_metric, output_layer
from kerasmap.models.regularizers import kernel_regularizer


@pytest.mark.parametrize(
    ("task", "units", "activation"),
    [("multiclass", 10, "softmax"), ("binary", 1, "sigmoid"), ("regression", 1, "linear")],
)
def test_output_layer_fits_the_task_and_computes_in_float32(task, units, activation):
    head = output_layer(task, num_classes=10)

    assert head.name == "head"
    assert head.units == units
    assert head.activation.__name__ == activation
    assert head.dtype_policy.name == "float32"


@pytest.mark.parametrize(
    ("task", "loss", "metric_names", "monitored"),
    [
        ("multiclass", keras.losses.SparseCategoricalCrossentropy, ["accuracy"], "accuracy"),
        ("binary", keras.losses.BinaryCrossentropy, ["accuracy", "auc"], "accuracy"),
        ("regression", keras.losses.MeanSquaredError, ["mae"], "mae"),
    ],
)
def test_loss_and_metrics_fit_the_task(task, loss, metric_names, monitored):
    task_loss, metrics = loss_and_metrics(task)

    assert isinstance(task_loss, loss)
    assert [metric.name for metric in metrics] == metric_names
    assert monitored_metric(task) == monitored
    assert monitored in metric_names


@pytest.mark.parametrize("function", [loss_and_metrics, monitored_metric])
def test_unknown_task_is_a_config_error(function):
    with pytest.raises(ConfigError, match=r"`task`, expected one of .*Received: task='ranking'"):
        function("ranking")


@pytest.mark.parametrize(
    ("task", "num_classes", "message"),
    [
        ("ranking", 10, r"`task`, expected one of \['binary', 'multiclass', 'regression'\]"),
        ("multiclass", 1, r"`num_classes`, expected an integer >= 2 .* num_classes=1"),
        ("binary", 0, r"`num_classes`, expected a positive integer. Received: num_classes=0"),
    ],
)
def test_output_layer_rejects_bad_arguments(task, num_classes, message):
    with pytest.raises(ConfigError, match=message):
        output_layer(task, num_classes)


def test_kernel_regularizer_is_none_without_a_penalty():
    assert kernel_regularizer(0.0, 0.0) is None

    regularizer = kernel_regularizer(l1=0.0, l2=1e-4)

    assert isinstance(regularizer, keras.regularizers.L1L2)
    assert regularizer.get_config() == {"l1": 0.0, "l2": pytest.approx(1e-4)}


def test_kernel_regularizer_rejects_negative_factors():
    with pytest.raises(ConfigError, match=r"`l2`, expected a float >= 0. Received: l2=-0.1"):
        kernel_regularizer(l1=0.0, l2=-0.1)
