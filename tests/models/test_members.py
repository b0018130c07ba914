"""The tabular family's members: each trained on its own loss, the model's answer their mean."""

import keras
import numpy as np
import pytest

from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.data.pipeline import fitting_batch_size
from kerasmap.training.members import (
    MemberLoss,
    has_members,
    inference_model,
    training_loss_and_metrics,
)


@pytest.mark.parametrize(
    ("task", "num_classes", "units"), [("multiclass", 3, 3), ("binary", 2, 1), ("regression", 1, 1)]
)
def test_each_member_answers_and_the_inference_model_is_their_mean(
    build_tiny, random_examples, task, num_classes, units
):
    model = build_tiny("tabular", input_shape=(5,), task=task, num_classes=num_classes)
    x, y = random_examples((5,), task, num_classes)
    loss, metrics = training_loss_and_metrics(task, members=True, label_smoothing=0.1)
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    model.fit(x, y, epochs=1, verbose=0)

    members = model.predict(x, verbose=0)
    average = inference_model(model, task)

    assert members.shape == (len(x), 2, units)
    assert not np.allclose(members[:, 0], members[:, 1])  # random signs set them apart
    assert not has_members(average)
    np.testing.assert_allclose(average.predict(x, verbose=0), members.mean(axis=1), rtol=1e-5)
    assert isinstance(average.loss, keras.losses.Loss) and not isinstance(average.loss, MemberLoss)


def test_the_loss_is_the_mean_of_the_members_cross_entropies_with_smoothed_targets():
    probabilities = np.array([[[0.7, 0.2, 0.1], [0.2, 0.5, 0.3]]], dtype="float32")
    labels = np.array([0])
    targets = np.array([0.9, 0.0, 0.0]) + 0.1 / 3
    expected = np.mean([-(targets * np.log(member)).sum() for member in probabilities[0]])

    loss = MemberLoss("multiclass", label_smoothing=0.1)(labels, probabilities)

    assert float(loss) == pytest.approx(expected, rel=1e-5)


def test_a_binary_member_loss_without_members_is_keras_binary_cross_entropy():
    labels, probabilities = np.array([1.0, 0.0]), np.array([[0.8], [0.4]], dtype="float32")
    expected = keras.losses.BinaryCrossentropy()(labels.reshape(-1, 1), probabilities)

    loss = MemberLoss("binary", label_smoothing=0.0)(labels, probabilities)

    assert float(loss) == pytest.approx(float(expected), rel=1e-5)


@pytest.mark.parametrize(
    ("batch_size", "num_train", "min_batches", "expected"),
    [(256, 120, 8, 16), (256, 8000, 8, 256), (256, 1000, 8, 125), (64, 120, None, 64)],
)
def test_a_small_table_gets_smaller_batches(batch_size, num_train, min_batches, expected):
    assert fitting_batch_size(batch_size, num_train, min_batches) == expected


def test_a_table_trains_for_a_number_of_steps_not_epochs(tmp_path):
    table = tmp_path / "rows.csv"
    table.write_text("x,y\n1,a\n2,b\n")
    overrides = ["data=table", f"data.path={table}", "data.target=y"]
    settings = load_settings(compose_config(overrides))
    trainer = settings.trainer

    assert (settings.model.name, settings.optimizer.name) == ("tabular", "adamw")
    assert trainer.planned_epochs(steps_per_epoch=7) == 429  # 3,000 steps of a small table
    assert trainer.planned_epochs(steps_per_epoch=176) == 18  # a 50,000-row table
    default = load_settings(compose_config([])).trainer
    assert default.planned_epochs(steps_per_epoch=844) == default.epochs
