"""Every family builds on every input it takes, for every task, and trains."""

import numpy as np
import pytest

from kerasmap.models import MODALITIES, loss_and_metrics

TASKS = ("multiclass", "binary", "regression")
INPUT_SHAPES = {
    "image": [(28, 28, 1), (32, 32, 3)],
    "tokens": [(20,)],
    "features": [(2,)],
}
CASES = [
    (family, input_shape)
    for family, modalities in MODALITIES.items()
    for modality in modalities
    for input_shape in INPUT_SHAPES[modality]
]


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize(("family", "input_shape"), CASES)
def test_output_shape_fits_the_task(build_tiny, family, input_shape, task):
    model = build_tiny(family, input_shape=input_shape, task=task)

    assert tuple(model.inputs[0].shape) == (None, *input_shape)
    assert tuple(model.outputs[0].shape) == (None, 10 if task == "multiclass" else 1)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", list(MODALITIES))
def test_one_epoch_gives_a_finite_loss(build_tiny, random_examples, family, task):
    model = build_tiny(family, task=task)
    loss, metrics = loss_and_metrics(task)
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    x, y = random_examples((28, 28, 1), task)

    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)

    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("family", ["lstm", "attention"])
def test_token_models_train(build_tiny, random_examples, family):
    model = build_tiny(family, input_shape=(20,), task="binary")
    loss, metrics = loss_and_metrics("binary")
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    x, y = random_examples((20,), "binary", tokens=True)

    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)

    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("family", list(MODALITIES))
def test_head_computes_in_float32_under_mixed_precision(build_tiny, mixed_bfloat16, family):
    model = build_tiny(family)

    assert model.get_layer("head").compute_dtype == "float32"
    assert model.outputs[0].dtype == "float32"
    assert model.layers[-2].compute_dtype == "bfloat16"
    assert model.predict(np.zeros((2, 28, 28, 1)), verbose=0).dtype == np.float32


@pytest.mark.parametrize("family", list(MODALITIES))
def test_weight_penalty_adds_regularization_losses(build_tiny, family):
    plain = build_tiny(family)
    penalized = build_tiny(family, l1=1e-3, l2=1e-3)

    assert not plain.losses
    assert penalized.losses
    assert all(float(loss) > 0 for loss in penalized.losses)
