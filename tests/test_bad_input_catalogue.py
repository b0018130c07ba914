"""A catalogue of bad inputs on the command line, one row per mistake a user can make.

Each one must end with exit status 2 and one clear sentence naming what is wrong, with no
traceback, and leave the MLflow store exactly as it was. The rows run in this process
through the code `pipelines/train.py` runs: config mistakes stop in `cli.preflight`, before
Hydra writes anything; data-file mistakes stop while the data loads, before any run is
opened. A few rows run again as real processes, to prove the command's own path.
"""

import logging
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
from kerasmap.data.datasets.image_folder import load_image_folder
from kerasmap.models import families
from kerasmap.run import run_job
from kerasmap.training.optimizers import OPTIMIZERS

from original_formats import ragged_array, write_idx
from own_files import homes_table, write_image_folder, write_table, write_text_folder
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


def missing_table(folder: Path) -> Path:
    return folder / "homes.csv"


def empty_table(folder: Path) -> Path:
    path = folder / "homes.csv"
    path.touch()
    return path


def binary_named_csv(folder: Path) -> Path:
    path = folder / "homes.csv"
    path.write_bytes(bytes(range(256)))
    return path


def space_separated_table(folder: Path) -> Path:
    """A table whose delimiter is none of the ones recognised (`,`, tab, `;`, `|`)."""
    path = folder / "homes.csv"
    homes_table().to_csv(path, sep=" ", index=False)
    return path


def homes_csv(folder: Path) -> Path:
    return write_table(folder / "homes.csv")


def single_class_target(folder: Path) -> Path:
    return write_table(folder / "homes.csv", homes_table().assign(band="high"))


def twenty_classes_of_two_rows(folder: Path) -> Path:
    """A test split of 8 of 40 rows cannot hold each of 20 classes."""
    frame = homes_table(rows=40).assign(band=[f"c{index % 20}" for index in range(40)])
    return write_table(folder / "homes.csv", frame)


def empty_column(folder: Path) -> Path:
    return write_table(folder / "homes.csv", homes_table().assign(age=np.nan))


def number_column_with_a_word(folder: Path) -> Path:
    frame = homes_table()
    frame["age"] = frame["age"].astype(object)
    frame.loc[5, "age"] = "unknown"
    return write_table(folder / "homes.csv", frame)


def latin1_csv(folder: Path) -> Path:
    """A CSV saved by an older spreadsheet: Latin-1, accents and all."""
    frame = homes_table()
    frame.loc[3, "city"] = "zürich"
    path = folder / "homes.csv"
    frame.to_csv(path, index=False, encoding="latin-1")
    return path


def csv_named_parquet(folder: Path) -> Path:
    path = folder / "homes.parquet"
    homes_table().to_csv(path, index=False)
    return path


def images_without_class_folders(folder: Path) -> Path:
    """Every image straight in the folder, none in a class subfolder."""
    images = write_image_folder(folder / "images", per_class=2)
    for image in sorted(images.glob("*/*.png")):
        image.rename(images / f"{image.parent.name}-{image.name}")
    for class_folder in ("dark", "light"):
        (images / class_folder).rmdir()
    return images


def image_class_without_images(folder: Path) -> Path:
    images = write_image_folder(folder / "images", per_class=2)
    (images / "grey").mkdir()
    (images / "grey" / "notes.txt").write_text("to do: add grey images")
    return images


def texts_of_one_class(folder: Path) -> Path:
    texts = write_text_folder(folder / "texts", per_class=2)
    shutil.rmtree(texts / "sport")
    return texts


def latin1_text_file(folder: Path) -> Path:
    texts = write_text_folder(folder / "texts", per_class=2)
    (texts / "food" / "menu.txt").write_bytes("crème brûlée".encode("latin-1"))
    return texts


def config_case(case_id, arguments, *fragments):
    """A row whose mistake is in the overrides."""
    return pytest.param(arguments, fragments, id=case_id)


def file_case(case_id, arguments, write, *fragments, names_file=True):
    """A row whose mistake is the file `write` puts in a folder, given as `data.path`.

    The message names that file, unless it names the column at fault (`names_file=False`).
    """
    return pytest.param(arguments, write, fragments, names_file, id=case_id)


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
TABLE = ["data=table", "data.path=homes.csv", "data.target=band"]
IMAGE_FOLDER = ["data=image_folder", "model=cnn"]
TEXT_FOLDER = ["data=text_folder", "model=lstm"]
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
    # Your own data: a table, a folder of images, a folder of texts.
    config_case(
        "table-without-path",
        ["data=table", "data.target=band"],
        "Received no value for `data.path`, which this run needs: add data.path=<value>.",
    ),
    config_case(
        "table-without-target",
        ["data=table", "data.path=homes.csv"],
        "Received no value for `data.target`, which this run needs: add data.target=<value>.",
    ),
    config_case(
        "table-task-unknown",
        [*TABLE, "data.task=ranking"],
        "`data.task`, expected one of 'auto', 'multiclass', 'binary', 'regression'",
        "ranking",
    ),
    config_case(
        "table-test-fraction-out-of-range",
        [*TABLE, "data.test_fraction=1.5"],
        "`data.test_fraction`, expected a float in (0, 1). Received: data.test_fraction=1.5",
    ),
    config_case(
        "table-column-type-unknown",
        [*TABLE, "data.column_types={x: weird}"],
        "`data.column_types.x`, expected one of 'numeric', 'integer_category', 'boolean', "
        "'datetime', 'string_category', 'text'",
        "weird",
    ),
    config_case(
        "image_folder-color-mode-unknown",
        [*IMAGE_FOLDER, "data.path=images", "data.color_mode=cmyk"],
        "`data.color_mode`, expected one of 'auto', 'grayscale', 'rgb', 'rgba'",
        "cmyk",
    ),
    config_case(
        "image_folder-cache-unknown",
        [*IMAGE_FOLDER, "data.path=images", "data.cache=disk"],
        "`data.cache`, expected one of 'auto', 'memory', 'file'",
        "disk",
    ),
    config_case(
        "image_folder-image-size-zero",
        [*IMAGE_FOLDER, "data.path=images", "data.image_size=[0,5]"],
        "`data.image_size`, expected [height, width], two integers >= 1, or null for the "
        "images' own size. Received: data.image_size=[0, 5]",
    ),
    config_case(
        "text_folder-max-tokens-too-small",
        [*TEXT_FOLDER, "data.path=texts", "data.max_tokens=1"],
        "`data.max_tokens`, expected an integer >= 3. Received: data.max_tokens=1",
    ),
    config_case(
        "cnn-on-table",
        [*TABLE, "model=cnn"],
        "Model `cnn` cannot take features input from `data=table`; model families that fit "
        "table are: linear, mlp, tabular.",
    ),
    config_case(
        "mlp-on-text_folder",
        ["data=text_folder", "data.path=texts", "model=mlp"],
        "Model `mlp` cannot take tokens input from `data=text_folder`; model families that fit "
        "text_folder are: attention, linear, lstm.",
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
OWN_TABLE = ["data=table", "data.target=band"]
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
    # Your own table (`data.path` is the table; model=mlp, the default).
    file_case(
        "table-missing",
        OWN_TABLE,
        missing_table,
        "`data.path`: file not found. Expected a table: a .csv or .tsv file with a header row, "
        "or a .parquet file.",
    ),
    file_case("table-empty-file", OWN_TABLE, empty_table, "`data.path`: the file is empty."),
    file_case(
        "table-binary-bytes-named-csv",
        OWN_TABLE,
        binary_named_csv,
        "`data.path`: it is not UTF-8 text (byte 128 cannot be decoded); save it as UTF-8.",
    ),
    file_case(
        "table-one-column",
        OWN_TABLE,
        space_separated_table,
        "`data.path`: it reads as 1 column (age city rooms member joined notes price band), "
        "so no delimiter was recognised.",
    ),
    file_case(
        "table-target-not-a-column",
        ["data=table", "data.target=prize"],
        homes_csv,
        "Received an invalid value for `data.target`, expected a column of `data.path`: age, "
        "city, rooms, member, joined, notes, price, band. Received: data.target=prize",
        names_file=False,
    ),
    file_case(
        "table-target-of-one-class",
        OWN_TABLE,
        single_class_target,
        "The target `band` has a single class ('high') in the training rows; a classifier needs "
        "at least two.",
        names_file=False,
    ),
    file_case(
        "table-too-many-classes-to-stratify",
        OWN_TABLE,
        twenty_classes_of_two_rows,
        "The class 'c0' has 2 examples, too few to keep all 20 classes in both parts when 8 of "
        "40 examples are held out; add examples of it, or set data.stratify=false.",
        names_file=False,
    ),
    file_case(
        "table-empty-column",
        OWN_TABLE,
        empty_column,
        "Column `age` is empty in every row; drop it with data.drop=[age] or fill it in.",
        names_file=False,
    ),
    file_case(
        "table-numbers-mixed-with-text",
        OWN_TABLE,
        number_column_with_a_word,
        "Column `age` holds numbers but also 'unknown' in row 6; clean the column, or set "
        "data.column_types={age: string_category} to read it as categories.",
        names_file=False,
    ),
    file_case(
        "table-latin-1",
        OWN_TABLE,
        latin1_csv,
        "`data.path`: it is not UTF-8 text (byte ",
    ),
    file_case(
        "table-parquet-that-is-a-csv",
        OWN_TABLE,
        csv_named_parquet,
        "`data.path`: it is not a readable Parquet file (",
        "Parquet magic bytes not found",
    ),
    # Your own images and texts: one subfolder per class.
    file_case(
        "image_folder-without-class-folders",
        IMAGE_FOLDER,
        images_without_class_folders,
        "holds no class subfolders. Expected a folder with one subfolder of images (PNG, JPEG, "
        "BMP, GIF) per class.",
    ),
    file_case(
        "image_folder-class-without-images",
        IMAGE_FOLDER,
        image_class_without_images,
        "`data.path`: the class folders grey hold no images.",
    ),
    file_case(
        "text_folder-of-one-class",
        TEXT_FOLDER,
        texts_of_one_class,
        "`data.path`: it has a single class (food). Expected a folder with one subfolder of "
        "UTF-8 .txt files per class.",
    ),
    file_case(
        "text_folder-latin-1-file",
        TEXT_FOLDER,
        latin1_text_file,
        "menu.txt is not UTF-8 text (byte 2 cannot be decoded).",
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


@pytest.mark.parametrize("arguments, write, fragments, names_file", FILE_CASES)
def test_data_file_mistake_is_one_sentence_and_leaves_the_store_alone(
    finished_store, tmp_path, capsys, arguments, write, fragments, names_file
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
    assert_one_sentence(
        capsys.readouterr().err, [*fragments, str(path)] if names_file else fragments
    )
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
    "arguments, write, fragments, names_file",
    [case for case in FILE_CASES if case.id == FILE_IN_A_REAL_PROCESS],
)
def test_data_file_mistake_in_a_real_process_opens_no_run(
    tmp_path, arguments, write, fragments, names_file
):
    path = write(tmp_path)
    overrides = [*store_overrides(tmp_path), *hydra_dirs(tmp_path), *arguments, f"data.path={path}"]

    result = run_cli("train", overrides)

    assert result.returncode == 2
    assert_one_sentence(result.stderr, [*fragments, str(path)] if names_file else fragments)
    assert not (tmp_path / "mlflow.db").exists()
    assert not (tmp_path / "outputs").exists()


def test_an_unreadable_image_is_left_out_with_a_warning_naming_it(tmp_path, caplog):
    images = write_image_folder(tmp_path / "images", per_class=4)
    broken = images / "dark" / "broken.png"
    broken.write_bytes(b"not a PNG: the download was cut short")

    with caplog.at_level(logging.WARNING):
        splits = load_image_folder(
            str(images),
            image_size=[8, 8],
            color_mode="rgb",
            test_fraction=0.25,
            cache="memory",
            seed=0,
        )

    assert len(splits.y_train) + len(splits.y_test) == 8
    (warning,) = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert warning.getMessage().startswith(f"Leaving out {broken}: it is not a readable image")
