"""A catalogue of bad inputs on the command line, one row per mistake a user can make.

Each one must end with exit status 2 and one clear sentence naming what is wrong, with no
traceback, and leave the MLflow store exactly as it was. The rows run in this process
through the code `pipelines/train.py` runs: config mistakes stop in `cli.preflight`, before
Hydra writes anything; data-file mistakes stop while the data loads, before any run is
opened. A few rows run again as real processes, to prove the command's own path.
"""

import re
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow.entities import ViewType

from kerasmap import cli
from kerasmap.config.compose import compose_config
from kerasmap.config.registry import families_for
from kerasmap.data import datasets
from kerasmap.data.datasets.fashion_mnist import FILE_NAMES as FASHION_FILES
from kerasmap.models import families
from kerasmap.run import run_job
from kerasmap.training.optimizers import OPTIMIZERS

from original_formats import ragged_array, write_idx
from pipeline_helpers import hydra_dirs, run_cli, store_overrides, write_image_npz

# Raw exception names, Hydra's grammar hint and OmegaConf's internals are not for users.
NOT_FOR_USERS = re.compile(
    r"\w(Exception|Error)\b|See https?://|\b(ListConfig|DictConfig|full_key|object_type)\b"
)
FAMILIES = ", ".join(families())
OPTIMIZER_NAMES = ", ".join(sorted(OPTIMIZERS))


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
    return pytest.param(arguments, fragments, id=case_id)


def file_case(case_id, arguments, write, *fragments):
    """A row whose mistake is the file `write` puts in a folder, given as `data.path`."""
    return pytest.param(arguments, write, fragments, id=case_id)


def families_that_do_not_fit(dataset, modality):
    """A row for each model family that cannot read the `modality` inputs of `dataset`."""
    fitting = families_for(modality)
    return [
        config_case(
            f"{family}-on-{dataset}",
            [f"model={family}", f"data={dataset}"],
            f"Model `{family}` cannot take {modality} input from `data={dataset}`; "
            f"model families that fit {dataset} are: {', '.join(fitting)}.",
        )
        for family in families()
        if family not in fitting
    ]


LSTM_ON_IMDB = ["data=imdb", "model=lstm"]
CONFIG_CASES = [
    # data: one schema per kind of dataset.
    config_case(
        "fashion_mnist-val-fraction-out-of-range",
        ["data.val_fraction=1.5"],
        "`data.val_fraction`, expected a float in (0, 1)",
        "data.val_fraction=1.5",
    ),
    config_case("fashion_mnist-unknown-key", ["data.nope=1"], "unknown key `data.nope`"),
    config_case(
        "mnist-limit-not-an-integer",
        ["data=mnist", "data.limit=abc"],
        "`data.limit`, expected an integer. Received: data.limit=abc",
    ),
    config_case(
        "cifar10-limit-out-of-range",
        ["data=cifar10", "data.limit=1"],
        "`data.limit`, expected null or an integer >= 2",
        "data.limit=1",
    ),
    config_case(
        "imdb-augment-on-non-image-data",
        [*LSTM_ON_IMDB, "data.augment=true"],
        "`data.augment`, expected false for non-image data",
    ),
    config_case(
        "moons-has-no-path",
        ["data=moons", "data.path=/data/moons.csv"],
        "unknown key `data.path`",
        "num_samples",
    ),
    config_case(
        "data-unknown-option",
        ["data=svhn"],
        f"Received an invalid value for `data`, expected one of {', '.join(datasets())}. "
        "Received: data=svhn",
    ),
    # model: one schema per family.
    config_case(
        "mlp-dropout-out-of-range",
        ["model.dropout=1.5"],
        "Received an invalid value for `model.dropout`, expected a float in [0, 1). "
        "Received: model.dropout=1.5",
    ),
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
    config_case(
        "model-unknown-key",
        ["+model.foo=1"],
        "Received an unknown key `model.foo`",
        "hidden_units",
    ),
    config_case(
        "model-unknown-option",
        ["model=foo"],
        f"Received an invalid value for `model`, expected one of {FAMILIES}. Received: model=foo",
    ),
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
        "`optimizer.nesterov`, expected true or false. Received: optimizer.nesterov=maybe",
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
        "optimizer-unknown-option",
        ["optimizer=adamax"],
        f"Received an invalid value for `optimizer`, expected one of {OPTIMIZER_NAMES}",
        "optimizer=adamax",
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
        "Received an invalid value for `trainer.epochs`, expected an integer. "
        "Received: trainer.epochs=abc",
    ),
    config_case(
        "trainer-batch-size-out-of-range",
        ["trainer.batch_size=0"],
        "`trainer.batch_size`, expected an integer >= 1",
        "trainer.batch_size=0",
    ),
    config_case(
        "trainer-unknown-key", ["trainer.foo=1"], "Received an unknown key `trainer.foo`", "epochs"
    ),
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
        "Experiment `moons_binary` sets `hidden_units`, which the groups chosen with model=cnn "
        "do not have",
    ),
    # Model families that cannot take the dataset's input.
    *families_that_do_not_fit("imdb", "tokens"),
    *families_that_do_not_fit("moons", "features"),
    # Overrides Hydra's grammar cannot read.
    config_case("empty-option", ["model="], f"`model`, expected one of {FAMILIES}"),
    config_case(
        "unknown-top-level-key",
        ["foo=1"],
        "unknown key `foo`, expected one of the keys of `the config`: data, model, optimizer, "
        "seed, tracking, trainer. Received: foo=1",
    ),
    config_case("no-equals-sign", ["trainer.epochs"], "trainer.epochs"),
    config_case("unclosed-list", ["model.hidden_units=[64,32"], "model.hidden_units"),
    config_case("no-key", ["=5"], "Could not parse the override `=5`"),
    config_case("group-deleted", ["~model"], "`model`"),
    config_case("key-deleted", ["~trainer.epochs"], "`trainer.epochs`"),
    config_case(
        "two-options-without-multirun", ["model=cnn,lstm"], "model=cnn,lstm", "add -m to sweep"
    ),
]
# Data files: missing, the wrong kind, empty, truncated or corrupt.
FILE_CASES = [
    file_case(
        "fashion_mnist-folder-missing",
        [],
        missing_folder,
        "Received an invalid value for `data.path`: directory not found",
    ),
    file_case(
        "fashion_mnist-truncated-idx-gz",
        [],
        fashion_with_truncated_images,
        "could not read ",
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
# Rows run again as `python pipelines/train.py ...`: a bad value, an unknown group option,
# an override Hydra cannot parse, and a data file that is not what it is named.
IN_A_REAL_PROCESS = {"mlp-dropout-out-of-range", "model-unknown-option", "no-key"}
FILE_IN_A_REAL_PROCESS = "mnist-csv-renamed"


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
def finished_store(cli_run) -> tuple[Path, dict]:
    """The store of the session's command-line run (one FINISHED run), and its snapshot."""
    snapshot = store_snapshot(cli_run.folder)
    assert [status for _, status, *_ in snapshot["runs"]] == ["FINISHED"]
    assert snapshot["artifacts"]
    return cli_run.folder, snapshot


def assert_one_sentence(stderr: str, fragments) -> None:
    """`stderr` holds one `Error: ` sentence, with every fragment and nothing internal."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, stderr
    message = errors[0].removeprefix("Error: ")
    for fragment in fragments:
        assert fragment in message
    assert message.endswith(".") or ". Received: " in message, message
    assert not NOT_FOR_USERS.search(message), message


@pytest.mark.parametrize("arguments, fragments", CONFIG_CASES)
def test_config_mistake_is_one_sentence_before_hydra_runs(tmp_path, capsys, arguments, fragments):
    with pytest.raises(SystemExit) as stopped:
        cli.preflight("config", [*store_overrides(tmp_path), *arguments])

    assert stopped.value.code == 2
    assert_one_sentence(capsys.readouterr().err, fragments)
    assert not (tmp_path / "mlflow.db").exists()


@pytest.mark.parametrize("arguments, write, fragments", FILE_CASES)
def test_data_file_mistake_is_one_sentence_and_leaves_the_store_alone(
    finished_store, tmp_path, capsys, arguments, write, fragments
):
    original, before = finished_store
    store = tmp_path / "store"
    shutil.copytree(original, store)
    files = tmp_path / "files"
    files.mkdir()
    path = write(files)
    arguments = [*store_overrides(store), *arguments, f"data.path={path}"]

    cli.preflight("config", arguments)
    with pytest.raises(SystemExit) as stopped, cli.user_errors_exit():
        run_job(compose_config(arguments))

    assert stopped.value.code == 2
    assert_one_sentence(capsys.readouterr().err, [*fragments, str(path)])
    after = store_snapshot(store)
    assert "RUNNING" not in {status for _, status, *_ in after["runs"]}
    assert after == before
    assert artifact_files(original / "mlruns") == before["artifacts"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "arguments, fragments", [case for case in CONFIG_CASES if case.id in IN_A_REAL_PROCESS]
)
def test_config_mistake_in_a_real_process_writes_nothing(tmp_path, arguments, fragments):
    result = run_cli("train", [*store_overrides(tmp_path), *hydra_dirs(tmp_path), *arguments])

    assert result.returncode == 2
    assert_one_sentence(result.stderr, fragments)
    assert not (tmp_path / "mlflow.db").exists()
    assert not (tmp_path / "outputs").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "arguments, write, fragments",
    [case for case in FILE_CASES if case.id == FILE_IN_A_REAL_PROCESS],
)
def test_data_file_mistake_in_a_real_process_opens_no_run(tmp_path, arguments, write, fragments):
    path = write(tmp_path)
    overrides = [*store_overrides(tmp_path), *hydra_dirs(tmp_path), *arguments, f"data.path={path}"]

    result = run_cli("train", overrides)

    assert result.returncode == 2
    assert_one_sentence(result.stderr, [*fragments, str(path)])
    assert not (tmp_path / "mlflow.db").exists()
    assert not (tmp_path / "outputs").exists()
