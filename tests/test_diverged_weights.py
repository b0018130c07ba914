"""After a divergence, the best finite weights are kept as an artifact of the failed run."""

import keras
import mlflow
import numpy as np

from kerasmap.models.mlp import build_mlp
from kerasmap.recording.lifecycle import tracked_run
from kerasmap.recording.run_record import log_weights_if_finite
from kerasmap.recording.store import open_experiment

from pipeline_helpers import artifact_paths, new_store

ARTIFACT = "diverged/best_weights.weights.h5"


def tiny_mlp():
    return build_mlp(
        (2,), 2, task="binary", hidden_units=(4,), activation="relu", dropout=0.0, l1=0.0, l2=0.0
    )


def test_finite_weights_are_logged_and_load_back(tmp_path):
    experiment = open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "weights", str(tmp_path)
    )
    model = tiny_mlp()
    with tracked_run(experiment) as run:
        assert log_weights_if_finite(model, ARTIFACT)
    assert ARTIFACT in artifact_paths(run.info.run_id)
    restored = tiny_mlp()
    restored.load_weights(
        mlflow.artifacts.download_artifacts(f"runs:/{run.info.run_id}/{ARTIFACT}")
    )
    for kept, original in zip(restored.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(kept, original)


def test_nan_weights_are_not_logged(tmp_path):
    experiment = open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "weights", str(tmp_path)
    )
    model = tiny_mlp()
    model.layers[-1].kernel.assign(keras.ops.full((4, 1), np.nan))
    with tracked_run(experiment) as run:
        assert not log_weights_if_finite(model, ARTIFACT)
    assert ARTIFACT not in artifact_paths(run.info.run_id)
