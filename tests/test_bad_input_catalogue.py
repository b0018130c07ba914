"""A catalogue of bad inputs on the command line, one row per mistake a user can make.

Each one must fail with a non-zero exit and one clear sentence naming what is wrong, with
no traceback, and leave the MLflow store exactly as it was: no new run, none left RUNNING,
no new artifact files. Config mistakes fail before TensorFlow is imported; data-file
mistakes fail while the data loads, before any run is opened.
"""

import re
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow.entities import ViewType

from kerasmap.data.fashion_mnist import FILE_NAMES as FASHION_FILES

from original_formats import ragged_array, write_idx
from pipeline_helpers import run_cli, store_overrides, write_image_npz

# Raw exception names, Hydra's grammar hint and OmegaConf's internals are not for users.
NOT_FOR_USERS = re.compile(
    r"\w(Exception|Error)\b|See https?://|\b(ListConfig|DictConfig|full_key|object_type)\b"
)


def write_fashion(folder: Path) -> Path:
    """A folder of the four Fashion-MNIST IDX .gz files, with 12 train and 4 test images."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (16, 28, 28), dtype=np.uint8)
    labels = np.arange(16, dtype=np.uint8) % 10
    fashion = folder / "fashion-mnist"
    fashion.mkdir()
    arrays = (images[:12], labels[:12], images[12:], labels[12:])
    for name, array in zip(FASHION_FILES, arrays, strict=True):
        write_idx(fashion / name, array)
    return fashion


def truncate(path: Path) -> Path:
    """Keeps the first half of a file, as an interrupted download does."""
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    return path


def missing_folder(folder: Path) -> Path:
    return folder / "fashion-mnist"


def fashion_with_truncated_images(folder: Path) -> Path:
    fashion = write_fashion(folder)
    truncate(fashion / "train-images-idx3-ubyte.gz")
    return fashion


def mnist_npz(folder: Path) -> Path:
    return write_image_npz(folder / "mnist.npz")


def empty_mnist_npz(folder: Path) -> Path:
    path = folder / "mnist.npz"
    path.write_bytes(b"")
    return path


def csv_named_mnist_npz(folder: Path) -> Path:
    path = folder / "mnist.npz"
    path.write_text("label,pixel0,pixel1\n7,0,255\n")
    return path


def imdb_npz_without_test_labels(folder: Path) -> Path:
    path = folder / "imdb.npz"
    reviews = ragged_array([[14, 22, 16], [43, 530]])
    np.savez(path, x_train=reviews, y_train=np.array([1, 0]), x_test=reviews)
    return path


def config_case(case_id, arguments, *fragments):
    """A row whose mistake is in the overrides."""
    return pytest.param(arguments, fragments, None, id=case_id)


def file_case(case_id, arguments, write, *fragments):
    """A row whose mistake is the file `write` puts in a folder, given as `data.path`."""
    return pytest.param(arguments, fragments, write, id=case_id)


LSTM_ON_IMDB = ["data=imdb", "model=lstm"]
CASES = [
    # data: one schema per kind of dataset.
    config_case(
        "fashion_mnist-val-fraction-out-of-range",
        ["data.val_fraction=1.5"],
        "`data.val_fraction`, expected a float in (0, 1)",
        "data.val_fraction=1.5",
    ),
    config_case("fashion_mnist-unknown-key", ["data.nope=1"], "unknown key `data.nope`"),
    config_case(
        "mnist-limit-not-an-integer", ["data=mnist", "data.limit=abc"], "`data.limit`", "abc"
    ),
    config_case(
        "cifar10-limit-out-of-range",
        ["data=cifar10", "data.limit=1"],
        "`data.limit`, expected null or an integer >= 2",
        "data.limit=1",
    ),
    config_case(
        "imdb-augment-on-text",
        [*LSTM_ON_IMDB, "data.augment=true"],
        "`data.augment`, expected false for text data",
    ),
    config_case(
        "moons-has-no-path",
        ["data=moons", "data.path=/data/moons.csv"],
        "unknown key `data.path`",
        "num_samples",
    ),
    config_case("data-unknown-option", ["data=svhn"], "`data`", "fashion_mnist", "data=svhn"),
    # model: one schema per family.
    config_case(
        "mlp-hidden-units-not-a-list",
        ["model.hidden_units=abc"],
        "`model.hidden_units`, expected a ",
        "model.hidden_units=abc",
    ),
    config_case(
        "mlp-hidden-units-empty",
        ["model.hidden_units=[]"],
        "`model.hidden_units`, expected a non-empty list of integers >= 1",
    ),
    config_case("model-unknown-key", ["+model.foo=1"], "unknown key `model.foo`", "hidden_units"),
    config_case("model-unknown-option", ["model=foo"], "`model`", "attention, cnn", "model=foo"),
    config_case(
        "cnn-kernel-size-out-of-range",
        ["model=cnn", "model.kernel_size=0"],
        "`model.kernel_size`, expected an integer >= 1",
        "model.kernel_size=0",
    ),
    config_case(
        "lstm-cell-unknown",
        ["model=lstm", "model.cell=transformer"],
        "`model.cell`, expected one of 'lstm', 'gru', 'rnn'",
        "transformer",
    ),
    config_case(
        "attention-embed-dim-not-a-multiple-of-heads",
        ["model=attention", "model.embed_dim=65"],
        "`model.embed_dim`, expected a positive multiple of model.num_heads=4",
        "model.embed_dim=65",
    ),
    # optimizer: one schema per Keras optimizer.
    config_case(
        "adam-takes-no-nesterov",
        ["optimizer.nesterov=true"],
        "unknown key `optimizer.nesterov`",
        "beta_1",
    ),
    config_case(
        "adamw-weight-decay-negative",
        ["optimizer=adamw", "optimizer.weight_decay=-1"],
        "`optimizer.weight_decay`, expected a float >= 0",
    ),
    config_case(
        "sgd-nesterov-not-a-bool",
        ["optimizer=sgd", "optimizer.nesterov=maybe"],
        "`optimizer.nesterov`",
        "optimizer.nesterov=maybe",
    ),
    config_case(
        "rmsprop-rho-out-of-range",
        ["optimizer=rmsprop", "optimizer.rho=0"],
        "`optimizer.rho`, expected a float in (0, 1)",
    ),
    config_case(
        "adagrad-initial-accumulator-negative",
        ["optimizer=adagrad", "optimizer.initial_accumulator_value=-0.1"],
        "`optimizer.initial_accumulator_value`, expected a float >= 0",
    ),
    config_case(
        "optimizer-unknown-option", ["optimizer=adamax"], "`optimizer`", "optimizer=adamax"
    ),
    config_case(
        "clipnorm-and-clipvalue",
        ["optimizer.clipnorm=1", "optimizer.clipvalue=1"],
        "`optimizer.clipvalue`, expected null when optimizer.clipnorm is set",
    ),
    # trainer, with its learning-rate schedule and precision.
    config_case(
        "trainer-epochs-not-an-integer",
        ["trainer.epochs=abc"],
        "`trainer.epochs`",
        "trainer.epochs=abc",
    ),
    config_case("trainer-unknown-key", ["trainer.foo=1"], "unknown key `trainer.foo`", "epochs"),
    config_case(
        "trainer-unknown-key-appended",
        ["+trainer.foo=1", "seed=-1"],
        "unknown key `trainer.foo`",
    ),
    config_case("trainer-unknown-option", ["trainer=fast"], "`trainer`", "trainer=fast"),
    config_case(
        "lr-schedule-unknown-name",
        ["trainer.lr_schedule.name=step"],
        "`trainer.lr_schedule.name`, expected one of 'constant'",
        "step",
    ),
    config_case(
        "precision-unknown",
        ["trainer.precision=float8"],
        "`trainer.precision`, expected one of 'auto'",
        "float8",
    ),
    config_case(
        "monitor-not-a-validation-metric",
        ["trainer.monitor=loss"],
        "`trainer.monitor`, expected a validation metric name",
    ),
    # tracking, seed, experiment.
    config_case(
        "tracking-uri-not-mlflow",
        ["tracking.uri=file:///tmp/mlruns"],
        "`tracking.uri`",
        "file:///tmp/mlruns",
    ),
    config_case(
        "tracking-experiment-empty",
        ["tracking.experiment=''"],
        "`tracking.experiment`, expected a non-empty name",
    ),
    config_case("seed-negative", ["seed=-1"], "`seed`, expected an integer >= 0", "seed=-1"),
    config_case(
        "experiment-unknown-option", ["experiment=nope"], "`experiment`", "mnist_cnn", "nope"
    ),
    config_case(
        "experiment-unknown-key",
        ["experiment=mnist_cnn", "model.nope=1"],
        "unknown key `model.nope`",
        "kernel_size",
    ),
    config_case(
        "experiment-with-a-family-that-does-not-fit",
        ["experiment=moons_binary", "model=cnn"],
        "Experiment `moons_binary` sets `hidden_units`",
        "model=cnn",
    ),
    # Model families that cannot take the dataset's input.
    config_case(
        "cnn-on-imdb",
        ["model=cnn", "data=imdb"],
        "Model `cnn` cannot take tokens input from `data=imdb`",
        "attention, lstm",
    ),
    config_case(
        "cnn-on-moons",
        ["model=cnn", "data=moons"],
        "Model `cnn` cannot take features input from `data=moons`",
        "mlp",
    ),
    config_case(
        "attention-on-moons",
        ["model=attention", "data=moons"],
        "Model `attention` cannot take features input from `data=moons`",
    ),
    config_case(
        "mlp-on-imdb",
        ["model=mlp", "data=imdb"],
        "Model `mlp` cannot take tokens input from `data=imdb`",
    ),
    # Overrides Hydra's grammar cannot read.
    config_case("empty-option", ["model="], "`model`", "attention, cnn"),
    config_case("unknown-top-level-key", ["foo=1"], "unknown key `foo`", "seed"),
    config_case(
        "no-equals-sign",
        ["trainer.epochs"],
        "trainer.epochs",
    ),
    config_case(
        "unclosed-list",
        ["model.hidden_units=[64,32"],
        "model.hidden_units",
    ),
    config_case(
        "no-key",
        ["=5"],
        "=5",
    ),
    config_case(
        "group-deleted",
        ["~model"],
        "`model`",
    ),
    config_case(
        "key-deleted",
        ["~trainer.epochs"],
        "`trainer.epochs`",
    ),
    config_case(
        "two-options-without-multirun",
        ["model=cnn,lstm"],
        "model=cnn,lstm",
        "add -m to sweep",
    ),
    # Data files: missing, the wrong kind, empty, truncated or corrupt.
    file_case(
        "fashion_mnist-folder-missing", [], missing_folder, "`data.path`: directory not found"
    ),
    file_case(
        "fashion_mnist-truncated-idx-gz",
        [],
        fashion_with_truncated_images,
        "Could not read ",
        "train-images-idx3-ubyte.gz",
    ),
    file_case(
        "mnist-empty-file", ["data=mnist"], empty_mnist_npz, "`data.path`: the file is empty"
    ),
    file_case(
        "mnist-csv-renamed",
        ["data=mnist"],
        csv_named_mnist_npz,
        "`data.path`: it is not a readable .npz archive",
    ),
    file_case(
        "cifar10-given-mnist-npz",
        ["data=cifar10"],
        mnist_npz,
        "`data.path`: it is not a readable .tar.gz archive",
        "Expected the original `cifar-10-python.tar.gz`",
    ),
    file_case(
        "imdb-npz-without-test-labels",
        LSTM_ON_IMDB,
        imdb_npz_without_test_labels,
        "`data.path`: the archive lacks the arrays y_test",
    ),
]


def artifact_files(folder: Path) -> set[str]:
    """Every file under an artifact root, relative to it."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def store_snapshot(folder: Path) -> dict:
    """What a user sees in the store under `folder`: experiments, runs and artifact files."""
    client = mlflow.MlflowClient(f"sqlite:///{folder}/mlflow.db")
    experiments = client.search_experiments(view_type=ViewType.ALL)
    runs = client.search_runs(
        [experiment.experiment_id for experiment in experiments], run_view_type=ViewType.ALL
    )
    return {
        "experiments": sorted((e.experiment_id, e.name, e.lifecycle_stage) for e in experiments),
        "runs": sorted(
            (
                run.info.run_id,
                run.info.status,
                run.info.end_time,
                len(run.data.metrics),
                len(run.data.params),
            )
            for run in runs
        ),
        "artifacts": artifact_files(folder / "mlruns"),
    }


@pytest.fixture(scope="module")
def finished_store(tmp_path_factory) -> tuple[Path, dict]:
    """A store holding one FINISHED run of a tiny real training, and its snapshot."""
    folder = tmp_path_factory.mktemp("finished_store")
    arguments = ["data=moons", "data.num_samples=100", "trainer.epochs=1"]
    result = run_cli("train", [*arguments, *store_overrides(folder)])
    assert result.returncode == 0, result.stderr
    snapshot = store_snapshot(folder)
    assert [status for _, status, *_ in snapshot["runs"]] == ["FINISHED"]
    assert snapshot["artifacts"]
    return folder, snapshot


def the_error_sentence(stderr: str) -> str:
    """The one `Error: ` line of `stderr`, without its prefix."""
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, stderr
    return errors[0].removeprefix("Error: ")


@pytest.mark.parametrize("arguments, fragments, write", CASES)
def test_bad_input_fails_in_one_sentence_and_leaves_the_store_alone(
    finished_store, tmp_path, arguments, fragments, write
):
    original, before = finished_store
    store = tmp_path / "store"
    shutil.copytree(original, store)
    if write is not None:
        files = tmp_path / "files"
        files.mkdir()
        path = write(files)
        arguments = [*arguments, f"data.path={path}"]
        fragments = [*fragments, str(path)]

    result = run_cli("train", [*store_overrides(store), *arguments])

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    message = the_error_sentence(result.stderr)
    for fragment in fragments:
        assert fragment in message
    assert message.endswith(".") or ". Received: " in message, message
    assert not NOT_FOR_USERS.search(message), message
    after = store_snapshot(store)
    assert "RUNNING" not in {status for _, status, *_ in after["runs"]}
    assert after == before
    assert artifact_files(original / "mlruns") == before["artifacts"]
