import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from omegaconf import OmegaConf

from kerasmap.config.compose import compose_config
from kerasmap.config.data import ImageDataConfig, ImdbDataConfig, MoonsDataConfig
from kerasmap.data import dataset_loader, datasets, prepare_data
from kerasmap.data.datasets.mnist import load_mnist
from kerasmap.data.datasets.moons import load_moons
from kerasmap.errors import ConfigError, DataError

CONF_DATA = Path(__file__).resolve().parents[2] / "conf" / "data"
CONF_DATASETS = sorted(path.stem for path in CONF_DATA.glob("*.yaml"))
# The tiny file (a fixture of tests/data/conftest.py) each dataset reads; None: generated data.
TINY_FILES = {
    "cifar10": "cifar_file",
    "fashion_mnist": "fashion_dir",
    "imdb": "imdb_file",
    "mnist": "mnist_file",
    "moons": None,
    "table": "table_file",
    "image_folder": "image_folder_dir",
    "text_folder": "text_folder_dir",
}
# What a dataset needs besides its file: a table, the column to predict.
MORE_OPTIONS = {"table": ["data.target=band", "data.drop=[price]"]}
SETTINGS = {"batch_size": 4, "seed": 0, "val_fraction": 0.25, "limit": None, "augment": False}
INPUT_RANKS = {"image": 3, "tokens": 1, "features": 1}


def kind(schema) -> dict[str, str]:
    """The task and modality a dataset's schema gives `prepare_data`."""
    return {"kind_task": schema.TASK, "modality": schema.MODALITY}


def test_datasets_are_exactly_those_with_a_config():
    assert CONF_DATASETS
    assert datasets() == CONF_DATASETS


@pytest.mark.parametrize("name", CONF_DATASETS)
def test_each_config_kind_fits_what_its_loader_returns(name, request):
    overrides = [f"data={name}"]
    if TINY_FILES[name] is not None:
        overrides.append(f"data.path={request.getfixturevalue(TINY_FILES[name]).path}")
    data = OmegaConf.to_object(compose_config([*overrides, *MORE_OPTIONS.get(name, [])]).data)

    bundle = prepare_data(name, **kind(data), **SETTINGS, **data.loader_options())

    targets = np.concatenate([np.asarray(batch) for _, batch in bundle.test])
    assert len(bundle.input_shape) == INPUT_RANKS[data.MODALITY]
    if data.TASK == "regression":
        assert (bundle.num_classes, bundle.class_names) == (1, ())
    else:
        assert bundle.num_classes == len(bundle.class_names) >= 2
        assert set(np.unique(targets)) <= set(range(bundle.num_classes))
    if data.TASK == "binary":
        assert bundle.num_classes == 2
    if data.MODALITY != "tokens":
        assert bundle.vocab_size is None
    elif bundle.preprocessor is None:  # token ids; raw texts are vectorised in the model
        inputs = np.concatenate([np.asarray(batch) for batch, _ in bundle.test])
        assert 0 <= inputs.min() and inputs.max() < bundle.vocab_size
    else:
        assert bundle.vocab_size == bundle.preprocessor.layers[-1].vocabulary_size()


def test_importing_the_package_and_its_loaders_does_not_import_tensorflow():
    check = (
        "import sys, kerasmap.data; kerasmap.data.datasets(); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )

    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)

    assert result.stdout.split() == ["False", "False"], result.stderr


def test_fashion_mnist_files(fashion_dir):
    bundle = prepare_data(
        "fashion_mnist", **kind(ImageDataConfig), **SETTINGS, path=str(fashion_dir.path)
    )

    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (9, 3, 4)
    assert bundle.input_shape == (28, 28, 1) and bundle.num_classes == 10
    inputs, targets = next(iter(bundle.train))
    assert inputs.shape == (4, 28, 28, 1) and inputs.dtype.name == "float32"
    assert targets.dtype.name == "int32"


def test_mnist_file(mnist_file):
    settings = SETTINGS | {"limit": 8}

    bundle = prepare_data("mnist", **kind(ImageDataConfig), **settings, path=str(mnist_file.path))

    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (6, 2, 6)
    np.testing.assert_array_equal(bundle.input_example[..., 0], mnist_file.x_test[:5])


def test_cifar10_tarball_with_augmentation(cifar_file):
    settings = SETTINGS | {"augment": True}

    bundle = prepare_data("cifar10", **kind(ImageDataConfig), **settings, path=str(cifar_file.path))

    inputs, _ = next(iter(bundle.train))
    assert inputs.shape == (4, 32, 32, 3)
    assert bundle.class_names[3] == "cat" and bundle.num_train + bundle.num_val == 15


def test_imdb_file(imdb_file):
    options = {"path": str(imdb_file.path), "num_words": 30, "maxlen": 6}

    bundle = prepare_data("imdb", **kind(ImdbDataConfig), **SETTINGS, **options)

    inputs, targets = next(iter(bundle.test))
    assert inputs.shape == (2, 6) and inputs.dtype.name == "int32"
    assert targets.dtype.name == "float32"
    assert (bundle.task, bundle.vocab_size, bundle.input_shape) == ("binary", 30, (6,))


def test_moons_receives_the_run_seed():
    def prepare_moons(seed: int):
        settings = SETTINGS | {"batch_size": 32, "val_fraction": 0.1, "seed": seed}
        return prepare_data(
            "moons", **kind(MoonsDataConfig), **settings, num_samples=500, noise=0.2
        )

    bundle = prepare_moons(seed=7)

    assert bundle.fingerprint == load_moons(num_samples=500, noise=0.2, seed=7).fingerprint
    assert prepare_moons(seed=8).fingerprint != bundle.fingerprint
    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (360, 40, 100)


def test_loader_is_found_by_name():
    assert dataset_loader("mnist") is load_mnist


def test_unknown_dataset_lists_the_valid_names():
    message = re.escape(
        f"`data.name`, expected one of {', '.join(CONF_DATASETS)}. Received: data.name='svhn'"
    )

    with pytest.raises(ConfigError, match=message):
        prepare_data("svhn", **kind(ImageDataConfig), **SETTINGS, path=None)


def test_bad_path_is_a_data_error(tmp_path):
    options = {"path": str(tmp_path / "imdb.npz"), "num_words": 30, "maxlen": 6}

    with pytest.raises(DataError, match=r"file not found"):
        prepare_data("imdb", **kind(ImdbDataConfig), **SETTINGS, **options)
