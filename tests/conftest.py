"""Shared fixtures: offline, MLflow state reset after every test, and the runs many tests read.

The session-scoped runs are made once, by the real pipeline, and only read by the tests
that use them: one training run started as a user starts it, one logged model of each
model family, and a store holding two real `-m` sweeps (served by a real MLflow server
for the tests that need one).
"""

import os
from pathlib import Path
from types import SimpleNamespace

import mlflow
import pytest

from kerasmap.sweeps import ROLE_JOB, ROLE_PARENT, ROLE_TAG, SWEEP_ID_TAG

import pipeline_helpers
from own_files import write_image_folder, write_table, write_text_folder
from pipeline_helpers import (
    SMALL_TABULAR,
    TINY_MOONS,
    hydra_dirs,
    new_store,
    run_cli,
    runs_in,
    store_overrides,
    train_in_process,
    write_cifar,
    write_image_npz,
)
from servers import ui_process

pytest_plugins = ["worker_groups"]  # how the suite splits over two xdist workers

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quieter failure reports; `cli_run` unsets it
os.environ.setdefault("MPLBACKEND", "Agg")
# Tests never touch the network: MLflow's usage telemetry stays off here and in subprocesses.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

REPO_ROOT = Path(__file__).resolve().parents[1]
ONE_EPOCH = ["trainer.epochs=2", "trainer.batch_size=32"]
SWEEP = ["optimizer=sgd", "model.dropout=0.0,0.3,1.5", "optimizer.learning_rate=0.01,1e30"]


@pytest.fixture(scope="session", autouse=True)
def empty_store_template(tmp_path_factory):
    """One empty, migrated MLflow store that `new_store` copies (creating one takes a second)."""
    folder = tmp_path_factory.mktemp("empty_store")
    mlflow.MlflowClient(f"sqlite:///{folder}/mlflow.db").search_experiments()
    pipeline_helpers.EMPTY_STORE = folder / "mlflow.db"


@pytest.fixture(autouse=True)
def mlflow_state_reset():
    """Ends any run a test left active and forgets its tracking URI, even if it failed."""
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run(status="FAILED")
    mlflow.set_tracking_uri(None)


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory) -> SimpleNamespace:
    """One training run started as a user starts it: `pipelines/train.py` in a new process.

    TensorFlow's verbosity switch is off, as in a user's shell.
    """
    folder = new_store(tmp_path_factory.mktemp("cli_run"))
    arguments = [*TINY_MOONS, "data.num_samples=300", "trainer.epochs=3"]
    quiet = {"KERASMAP_VERBOSE": "", "TF_CPP_MIN_LOG_LEVEL": ""}
    env = {key: value for key, value in os.environ.items() if key not in quiet}
    result = run_cli("train", [*arguments, *store_overrides(folder), *hydra_dirs(folder)], env)
    assert result.returncode == 0, result.stderr
    (run_id,) = runs_in(folder)["run_id"]
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(folder=folder, result=result, run_id=run_id)


@pytest.fixture(scope="session")
def family_runs(tmp_path_factory) -> SimpleNamespace:
    """One logged model per family, trained in this process on a small `mnist.npz`.

    The MLP, CNN and RNN are the classic MNIST experiments; the transformer reads rows.
    """
    folder = new_store(tmp_path_factory.mktemp("family_runs"))
    data = f"data.path={write_image_npz(folder / 'mnist.npz')}"
    one_epoch = [data, "trainer.epochs=1"]
    runs = {
        "mlp": train_in_process(folder, "experiment=mnist_mlp", *one_epoch),
        "cnn": train_in_process(folder, "experiment=mnist_cnn", *one_epoch),
        "lstm": train_in_process(folder, "experiment=mnist_rnn", *one_epoch),
        "attention": train_in_process(
            folder, "data=mnist", "model=attention", "model.embed_dim=16", *one_epoch
        ),
    }
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(folder=folder, runs=runs)


@pytest.fixture(scope="session")
def own_runs(tmp_path_factory):
    """One run of each kind of own data, trained in this process into one store."""
    folder = new_store(tmp_path_factory.mktemp("own_runs"))
    table = write_table(folder / "homes.csv")
    images = write_image_folder(folder / "images")
    texts = write_text_folder(folder / "texts")
    data_files = [table, images, *sorted(images.rglob("*")), texts, *sorted(texts.rglob("*"))]
    before = files_as_they_are(data_files)
    runs = {
        "classification": train_in_process(
            folder,
            "data=table",
            f"data.path={table}",
            "data.target=band",
            "data.drop=[price]",
            *SMALL_TABULAR,
            *ONE_EPOCH,
        ),
        "regression": train_in_process(
            folder,
            "data=table",
            f"data.path={table}",
            "data.target=price",
            "data.drop=[band]",
            *SMALL_TABULAR,
            "trainer.epochs=10",
            "optimizer.learning_rate=0.02",
        ),
        "images": train_in_process(
            folder,
            "data=image_folder",
            f"data.path={images}",
            "data.cache=file",  # the shape is the images' own (median of mixed sizes)
            "model=cnn",
            "model.filters=[8]",
            "model.dense_units=16",
            *ONE_EPOCH,
        ),
        "texts": train_in_process(
            folder,
            "data=text_folder",
            f"data.path={texts}",
            "data.sequence_length=16",
            "data.max_tokens=50",
            "model=linear",  # a bag of words; recurrence over tokens: imdb's in test_train_pipeline
            *ONE_EPOCH,
        ),
    }
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(
        folder=folder,
        runs=runs,
        data_before=before,
        data_after=files_as_they_are(data_files),
    )


def files_as_they_are(paths) -> dict:
    """Each path's bytes and modification time (folders: their entries), to compare later."""
    return {
        str(path): sorted(map(str, path.iterdir()))
        if path.is_dir()
        else (path.read_bytes(), path.stat().st_mtime_ns)
        for path in paths
    }


@pytest.fixture(scope="session")
def sweep_store(tmp_path_factory) -> SimpleNamespace:
    """A store holding one real `-m` sweep of `pipelines/train.py`: dropout x learning rate.

    Its six jobs run in two worker processes (the parallel launcher). Two finish; the two
    at learning rate 1e30 diverge and the two at dropout 1.5 fail before training.
    """
    folder = new_store(tmp_path_factory.mktemp("sweep_store"))
    arguments = ["-m", *TINY_MOONS, "hydra/launcher=parallel", *SWEEP, *store_overrides(folder)]
    result = run_cli("train", [*arguments, f"hydra.sweep.dir={folder}/sweep"])
    assert result.returncode == 0, result.stderr
    runs = runs_in(folder)
    (parent_id,) = runs[runs[f"tags.{ROLE_TAG}"] == ROLE_PARENT].run_id
    jobs = runs[
        (runs[f"tags.{SWEEP_ID_TAG}"] == parent_id) & (runs[f"tags.{ROLE_TAG}"] == ROLE_JOB)
    ]
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(
        folder=folder,
        uri=f"sqlite:///{folder}/mlflow.db",
        parent=runs[runs["run_id"] == parent_id].iloc[0],
        jobs=jobs,
        output=result.stdout,
    )


@pytest.fixture(scope="session")
def ui_server(sweep_store) -> SimpleNamespace:
    """`make ui` over the sweep store: `pipelines/ui.py` on a free loopback port.

    Yields the server's address and the address `make ui` printed for the runs table.
    """
    with ui_process(sweep_store.uri, sweep_store.folder / "mlruns") as (address, printed):
        yield SimpleNamespace(address=address, runs_url=printed)


FASHION_MNIST_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@pytest.fixture(scope="session")
def shared_datasets(tmp_path_factory) -> Path:
    """A folder laid out like Keras's cache `datasets/`, holding the real Fashion-MNIST files.

    Looked for beside the repository (`../shared/datasets`, or `KERASMAP_SHARED_DATASETS`),
    then in Keras's own cache; a connected machine downloads them. Offline with neither,
    the tests that need them are skipped, saying so.
    """
    from kerasmap.data.datasets.fashion_mnist import FILE_NAMES
    from kerasmap.data.keras_cache import keras_datasets_dir

    beside = Path(os.environ.get("KERASMAP_SHARED_DATASETS", REPO_ROOT.parent / "shared/datasets"))
    for folder in (beside, keras_datasets_dir()):
        if all((folder / "fashion-mnist" / name).is_file() for name in FILE_NAMES):
            return folder
    downloaded = tmp_path_factory.mktemp("keras_cache")
    try:
        import keras

        for name in FILE_NAMES:
            keras.utils.get_file(
                name,
                FASHION_MNIST_ORIGIN + name,
                cache_dir=str(downloaded),
                cache_subdir="fashion-mnist",
            )
    except Exception as error:  # offline: Keras raises a bare Exception for a failed download
        pytest.skip(
            f"The real Fashion-MNIST files are neither in {beside} nor in Keras's cache "
            f"{keras_datasets_dir()}, and downloading them failed ({error})."
        )
    return downloaded


@pytest.fixture(scope="session")
def fashion_mnist_dir(shared_datasets) -> Path:
    """The folder holding the four real Fashion-MNIST IDX `.gz` files."""
    return shared_datasets / "fashion-mnist"


# Augmented images: a training that repeats exactly only with `trainer.deterministic=true`
# (the augmentation runs in tf.data's parallel map, whose random draws otherwise race).
DETERMINISTIC = [
    "data=cifar10",
    "data.augment=true",
    "model.hidden_units=[16]",
    "trainer.epochs=2",
    "trainer.deterministic=true",
    "seed=7",
    "tracking.log_model=false",
]


@pytest.fixture(scope="session")
def deterministic_pair(tmp_path_factory) -> SimpleNamespace:
    """Two runs of `DETERMINISTIC`, each trained from start to end in its own new process:
    one by `pipelines/train.py`, the other by `pipelines/rerun.py` from the first's record.
    """
    folder = new_store(tmp_path_factory.mktemp("deterministic_pair"))
    data = f"data.path={write_cifar(folder / 'cifar-10-python.tar.gz', per_batch=40)}"
    result = run_cli("train", [*DETERMINISTIC, data, *store_overrides(folder)])
    assert result.returncode == 0, result.stderr
    (source_id,) = runs_in(folder)["run_id"]
    rerun = run_cli("rerun", [source_id, f"tracking.uri=sqlite:///{folder}/mlflow.db"])
    assert rerun.returncode == 0, rerun.stderr
    (rerun_id,) = set(runs_in(folder)["run_id"]) - {source_id}
    runs = [mlflow.get_run(run_id) for run_id in (source_id, rerun_id)]
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(
        folder=folder, uri=f"sqlite:///{folder}/mlflow.db", runs=runs, rerun_output=rerun.stdout
    )
