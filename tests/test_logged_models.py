"""A logged model stands alone: it loads where users load models, without kerasmap."""

import json
import subprocess
import sys

import keras
import mlflow
import numpy as np
import pytest

from kerasmap.recording.lifecycle import tracked_run
from kerasmap.recording.logged_model import load_logged_model, log_keras_model
from kerasmap.recording.store import open_experiment

from pipeline_helpers import new_store

# Loads each model with MLflow alone, predicts on zeros shaped like its signature, and
# reports what it loaded; `kerasmap` cannot be imported at all in this process.
LOAD_WITHOUT_KERASMAP = """
import json, sys

class RefuseKerasmap:
    def find_spec(self, name, path=None, target=None):
        if name == "kerasmap" or name.startswith("kerasmap."):
            raise ImportError(f"{name} must not be needed to load a logged model")

sys.meta_path.insert(0, RefuseKerasmap())

import mlflow
import numpy as np

mlflow.set_tracking_uri(sys.argv[1])
shapes = {}
for uri in json.loads(sys.argv[2]):
    model = mlflow.pyfunc.load_model(uri)
    spec = model.metadata.get_input_schema().inputs[0]
    batch = np.zeros([2 if size == -1 else size for size in spec.shape], dtype=spec.type)
    shapes[uri] = list(np.asarray(model.predict(batch)).shape)
print(json.dumps({"shapes": shapes, "kerasmap_imported": "kerasmap" in sys.modules}))
"""


@pytest.mark.slow
def test_every_family_loads_and_predicts_in_a_process_without_kerasmap(family_runs, tmp_path):
    uris = {family: f"runs:/{run.info.run_id}/model" for family, run in family_runs.runs.items()}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_WITHOUT_KERASMAP,
            f"sqlite:///{family_runs.folder}/mlflow.db",
            json.dumps(list(uris.values())),
        ],
        cwd=tmp_path,  # outside the repository
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["kerasmap_imported"] is False
    assert report["shapes"] == {uri: [2, 10] for uri in uris.values()}


def test_loading_through_kerasmap_refuses_a_model_that_would_run_code(tmp_path):
    experiment = open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "safety", str(tmp_path)
    )
    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)  # arbitrary Python in the file
    model = keras.Model(inputs, keras.layers.Dense(1)(outputs))
    with tracked_run(experiment) as run:
        log_keras_model(model, np.zeros((2, 2), "float32"))
    with pytest.raises(ValueError, match="safe_mode"):
        load_logged_model(f"runs:/{run.info.run_id}/model")
    with pytest.raises(ValueError, match="safe_mode"):
        mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
