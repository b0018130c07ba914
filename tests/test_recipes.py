"""The fast Fashion-MNIST recipes compose and train; their speed is measured in the README."""

import mlflow
import numpy as np
import pytest

from kerasmap.data.datasets.fashion_mnist import FILE_NAMES

from original_formats import write_idx
from pipeline_helpers import train_in_process

NO_MODEL = "tracking.log_model=false"


@pytest.fixture(scope="module")
def small_fashion(tmp_path_factory):
    """The four Fashion-MNIST files with 200 training and 40 test images."""
    folder = tmp_path_factory.mktemp("fashion-mnist")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (240, 28, 28), dtype=np.uint8)
    labels = (np.arange(240) % 10).astype(np.uint8)
    arrays = (images[:200], labels[:200], images[200:], labels[200:])
    for name, array in zip(FILE_NAMES, arrays, strict=True):
        write_idx(folder / name, array)
    return folder


@pytest.mark.parametrize(
    "recipe, expected_params, expected_rates",
    [
        # Warm-up over the first step, then the cosine decay over the 5 left.
        (
            "fashion_fast",
            {"model.residual": "False", "trainer.batch_size": "128"},
            [0.0, 1.809e-3, 6.91e-4],
        ),
        # Warm-up over 2 epochs of 2 steps each: the rate climbs to 2e-3.
        (
            "fashion_best",
            {"model.residual": "True", "data.augment": "True", "model.filters": "[32, 64, 128]"},
            [0.0, 1e-3, 2e-3],
        ),
    ],
)
def test_fast_recipes_train_with_their_settings(
    tmp_path, small_fashion, recipe, expected_params, expected_rates
):
    run = train_in_process(
        tmp_path, f"experiment={recipe}", f"data.path={small_fashion}", "trainer.epochs=3", NO_MODEL
    )
    assert run.info.status == "FINISHED"
    assert run.data.tags["precision_policy"] == "mixed_bfloat16"
    for key, value in expected_params.items():
        assert run.data.params[key] == value
    points = mlflow.MlflowClient().get_metric_history(run.info.run_id, "learning_rate")
    rates = [point.value for point in sorted(points, key=lambda point: point.step)]
    assert rates == pytest.approx(expected_rates, rel=1e-3)
