"""Run the real pipeline, in this process or as a user would, into a temporary MLflow store."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mlflow
import numpy as np

from kerasmap.config.compose import compose_config
from kerasmap.data.datasets.cifar10 import CLASS_NAMES as CIFAR10_CLASS_NAMES
from kerasmap.run import train

from original_formats import ragged_array, write_cifar_tarball

REPO_ROOT = Path(__file__).resolve().parents[1]
CONF = REPO_ROOT / "conf"
# A run small enough to finish in seconds that still exercises every stage.
TINY_MOONS = ["data=moons", "data.num_samples=200", "trainer.epochs=2", "model.hidden_units=[8]"]


# The table model's every part at a fraction of its cost, where its size is not under test.
SMALL_TABULAR = ["model.hidden_units=[16]", "model.ensemble_size=2"]
EMPTY_STORE: Path | None = None  # set once per session by the `empty_store_template` fixture


def new_store(folder: Path) -> Path:
    """Puts an empty MLflow store into `folder`, a copy of one made once; returns `folder`.

    A new SQLite store creates its tables, which takes a second; a copy takes none.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "mlflow.db").exists():
        shutil.copyfile(EMPTY_STORE, folder / "mlflow.db")
    return folder


def store_overrides(folder: Path) -> list[str]:
    """Config overrides that send runs, artifacts and backups into `folder`."""
    return [
        f"tracking.uri=sqlite:///{folder}/mlflow.db",
        f"tracking.artifact_root={folder}/mlruns",
        f"trainer.backup_dir={folder}/backups",
    ]


def hydra_dirs(folder: Path) -> list[str]:
    """Hydra's own override that keeps a sweep's folder inside `folder`.

    A single run writes no folder of Hydra's (`hydra.run.dir: .`, no `.hydra/` subfolder).
    """
    return [f"hydra.sweep.dir={folder}/sweep"]


def train_in_process(folder: Path, *overrides: str) -> mlflow.entities.Run:
    """Composes the real config and runs `kerasmap.run.train` here; returns the run."""
    new_store(folder)
    overrides = [*overrides, *store_overrides(folder)]
    train(compose_config(overrides), overrides=overrides)
    return mlflow.get_run(mlflow.last_active_run().info.run_id)


def run_cli(script: str, arguments: list[str], env: dict | None = None, cwd: Path = REPO_ROOT):
    """Runs `pipelines/<script>.py` in a fresh Python, as a user would."""
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "pipelines" / f"{script}.py"), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def runs_in(folder: Path, experiment: str = "kerasmap"):
    """The runs of `experiment` in the store under `folder`, as a DataFrame."""
    mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    return mlflow.search_runs(experiment_names=[experiment])


def artifact_paths(run_id: str, folder: str | None = None) -> set[str]:
    """Every artifact file of a run, as paths relative to the run's artifact root."""
    paths = set()
    for entry in mlflow.MlflowClient().list_artifacts(run_id, folder):
        paths |= artifact_paths(run_id, entry.path) if entry.is_dir else {entry.path}
    return paths


def write_image_npz(path: Path, image_shape=(28, 28), num_train=240, num_test=60) -> Path:
    """An `mnist.npz`-format file of random images whose class sets the mean brightness."""
    rng = np.random.default_rng(0)

    def split(count):
        labels = np.arange(count) % 10
        images = rng.integers(0, 40, (count, *image_shape)) + labels[:, None, None] * 20
        return images.astype(np.uint8), labels.astype(np.uint8)

    (x_train, y_train), (x_test, y_test) = split(num_train), split(num_test)
    np.savez_compressed(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def write_cifar(path: Path, per_batch: int = 30) -> Path:
    """A `cifar-10-python.tar.gz` with five small training batches and a test batch."""
    rng = np.random.default_rng(0)

    def batch(count):
        data = rng.integers(0, 256, (count, 3072), dtype=np.uint8)
        return data, [int(label) for label in np.arange(count) % 10]

    batches = {f"data_batch_{index}": batch(per_batch) for index in range(1, 6)}
    batches["test_batch"] = batch(per_batch)
    names = [name.encode() for name in CIFAR10_CLASS_NAMES]
    return write_cifar_tarball(path, batches, names)


def write_imdb(path: Path, count: int = 80) -> Path:
    """An `imdb.npz`-format file: reviews as lists of word ids, with 0/1 labels."""
    rng = np.random.default_rng(0)

    def split():
        reviews = [
            [int(word) for word in rng.integers(1, 500, rng.integers(5, 40))] for _ in range(count)
        ]
        return ragged_array(reviews), (np.arange(count) % 2).astype(np.int64)

    (x_train, y_train), (x_test, y_test) = split(), split()
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


# Loads each model with MLflow alone and predicts: on zeros shaped like its signature, or on
# raw inputs (a table file's rows, an image file, strings); `kerasmap` cannot be imported.
LOAD_WITHOUT_KERASMAP = """
import json, sys

class RefuseKerasmap:
    def find_spec(self, name, path=None, target=None):
        if name == "kerasmap" or name.startswith("kerasmap."):
            raise ImportError(f"{name} must not be needed to load a logged model")

sys.meta_path.insert(0, RefuseKerasmap())

import mlflow
import numpy as np
import pandas as pd
from PIL import Image


def raw(kind, source):
    if kind == "table":
        return pd.read_csv(source).head(3)
    if kind == "image":
        return np.asarray(Image.open(source))[None]
    if kind == "text":
        return pd.DataFrame({"text": source})
    spec = model.metadata.get_input_schema().inputs[0]
    return np.zeros([2 if size == -1 else size for size in spec.shape], dtype=spec.type)


shapes = {}
for store, uri, kind, source in json.loads(sys.argv[1]):
    mlflow.set_tracking_uri(store)
    model = mlflow.pyfunc.load_model(uri)
    shapes[uri] = list(np.asarray(model.predict(raw(kind, source))).shape)
print(json.dumps({"shapes": shapes, "kerasmap_imported": "kerasmap" in sys.modules}))
"""


def predict_without_kerasmap(loads: list[tuple], cwd: Path) -> dict:
    """Runs `LOAD_WITHOUT_KERASMAP` in a fresh Python in `cwd` (outside the repository).

    Args:
        loads: `(tracking URI, model URI, kind, source)` of each model to load and predict.

    Returns:
        `{"shapes": {model URI: shape of its predictions}, "kerasmap_imported": False}`.
    """
    result = subprocess.run(
        [sys.executable, "-c", LOAD_WITHOUT_KERASMAP, json.dumps(loads)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
