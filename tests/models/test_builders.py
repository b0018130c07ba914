"""Every family the config offers has a builder, which builds on every input it reads and trains."""

import dataclasses
import inspect

import numpy as np
import pytest

from kerasmap.config.registry import families_for, model_schemas
from kerasmap.models import builder_for, families
from kerasmap.models.head import loss_and_metrics
from kerasmap.tasks import TASKS

# A pretrained backbone needs images of 32x32 pixels or more and seconds to build and train,
# so it is left out here but for its options; test_pretrained_model.py tests it.
SLOW = "pretrained"
QUICK_IMAGE_FAMILIES = [family for family in families_for("image") if family != SLOW]

INPUT_SHAPES = {
    "image": [(28, 28, 1), (32, 32, 3)],
    "tokens": [(20,)],
    "features": [(2,)],
}
CASES = [
    (family, input_shape)
    for family, schema in model_schemas().items()
    if family != SLOW
    for modality in schema.MODALITIES
    for input_shape in INPUT_SHAPES[modality]
]


def test_every_config_family_has_a_builder_and_every_builder_a_config():
    assert families()
    assert sorted(model_schemas()) == families()


@pytest.mark.parametrize("family", families())
def test_builder_takes_exactly_the_config_options_and_defaults_none(family):
    parameters = inspect.signature(builder_for(family)).parameters
    options = {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    schema = model_schemas()[family]
    fields = {field.name for field in dataclasses.fields(schema)}
    defaulted = {name for name, p in parameters.items() if p.default is not p.empty}

    assert options - {"task", "vocab_size"} == fields - {"name", *schema.TRAINING_KEYS}
    assert defaulted <= {"vocab_size"}


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize(("family", "input_shape"), CASES)
def test_output_shape_fits_the_task(build_tiny, family, input_shape, task):
    model = build_tiny(family, input_shape=input_shape, task=task)
    units = 10 if task == "multiclass" else 1
    # The tabular family's members (2 in its tiny form) each answer; their mean is the model's.
    members = (2,) if family == "tabular" else ()

    assert tuple(model.inputs[0].shape) == (None, *input_shape)
    assert tuple(model.outputs[0].shape) == (None, *members, units)


# Every family once, and every task once: the head is the same layer in every family.
FITS = [(family, "multiclass") for family in QUICK_IMAGE_FAMILIES]
FITS += [("mlp", task) for task in TASKS if task != "multiclass"]


@pytest.mark.parametrize(("family", "task"), FITS)
def test_one_epoch_gives_a_finite_loss(build_tiny, random_examples, family, task):
    model = build_tiny(family, task=task)
    loss, metrics = loss_and_metrics(task)
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    x, y = random_examples((28, 28, 1), task)

    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)

    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("family", families_for("tokens"))
def test_token_models_train(build_tiny, random_examples, family):
    model = build_tiny(family, input_shape=(20,), task="binary")
    loss, metrics = loss_and_metrics("binary")
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    x, y = random_examples((20,), "binary", tokens=True)

    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)

    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("family", QUICK_IMAGE_FAMILIES)
def test_head_computes_in_float32_under_mixed_precision(build_tiny, mixed_bfloat16, family):
    model = build_tiny(family)

    assert model.get_layer("head").compute_dtype == "float32"
    assert model.outputs[0].dtype == "float32"
    assert model.layers[-2].compute_dtype == "bfloat16"
    assert model.predict(np.zeros((2, 28, 28, 1)), verbose=0).dtype == np.float32


@pytest.mark.parametrize("family", QUICK_IMAGE_FAMILIES)
def test_weight_penalty_adds_regularization_losses(build_tiny, family):
    plain = build_tiny(family)
    penalized = build_tiny(family, l1=1e-3, l2=1e-3)

    assert not plain.losses
    assert penalized.losses
    assert all(float(loss) > 0 for loss in penalized.losses)
