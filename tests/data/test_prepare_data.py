import subprocess
import sys

import numpy as np
import pytest

from kerasmap.data import LOADERS, load_moons, prepare_data
from kerasmap.errors import ConfigError, DataError

SETTINGS = {"batch_size": 4, "seed": 0, "val_fraction": 0.25}


def test_registry_names_every_dataset():
    assert sorted(LOADERS) == ["cifar10", "fashion_mnist", "imdb", "mnist", "moons"]


def test_importing_the_package_does_not_import_tensorflow():
    check = "import sys, kerasmap.data; print('tensorflow' in sys.modules, 'keras' in sys.modules)"

    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)

    assert result.stdout.split() == ["False", "False"], result.stderr


def test_fashion_mnist_files(fashion_dir):
    bundle = prepare_data("fashion_mnist", path=str(fashion_dir.path), **SETTINGS)

    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (9, 3, 4)
    assert bundle.input_shape == (28, 28, 1) and bundle.num_classes == 10
    inputs, targets = next(iter(bundle.train))
    assert inputs.shape == (4, 28, 28, 1) and inputs.dtype.name == "float32"
    assert targets.dtype.name == "int32"


def test_mnist_file(mnist_file):
    bundle = prepare_data("mnist", path=str(mnist_file.path), limit=8, **SETTINGS)

    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (6, 2, 6)
    np.testing.assert_allclose(bundle.input_example[..., 0], mnist_file.x_test[:5] / 255.0)


def test_cifar10_tarball_with_augmentation(cifar_file):
    bundle = prepare_data("cifar10", path=str(cifar_file.path), augment=True, **SETTINGS)

    inputs, _ = next(iter(bundle.train))
    assert inputs.shape == (4, 32, 32, 3)
    assert bundle.class_names[3] == "cat" and bundle.num_train + bundle.num_val == 15


def test_imdb_file(imdb_file):
    bundle = prepare_data("imdb", path=str(imdb_file.path), num_words=30, maxlen=6, **SETTINGS)

    inputs, targets = next(iter(bundle.test))
    assert inputs.shape == (2, 6) and inputs.dtype.name == "int32"
    assert targets.dtype.name == "float32"
    assert (bundle.task, bundle.vocab_size, bundle.input_shape) == ("binary", 30, (6,))


def test_moons_receives_the_run_seed():
    settings = {"batch_size": 32, "val_fraction": 0.1, "num_samples": 500, "noise": 0.2}

    bundle = prepare_data("moons", seed=7, **settings)

    expected = load_moons(num_samples=500, noise=0.2, seed=7)
    assert bundle.fingerprint == expected.fingerprint
    assert prepare_data("moons", seed=8, **settings).fingerprint != bundle.fingerprint
    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (360, 40, 100)


def test_unknown_dataset_lists_the_valid_names():
    message = r"`data.name`, expected one of \['cifar10', .*'moons'\]. Received: data.name=svhn"

    with pytest.raises(ConfigError, match=message):
        prepare_data("svhn", **SETTINGS)


def test_option_the_loader_does_not_take():
    message = r"the mnist loader does not take, expected some of \['path'\]. .*data.maxlen=5"

    with pytest.raises(ConfigError, match=message):
        prepare_data("mnist", maxlen=5, **SETTINGS)


def test_bad_path_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match=r"file not found"):
        prepare_data("imdb", path=str(tmp_path / "imdb.npz"), **SETTINGS)


def test_settings_are_checked_before_loading(tmp_path):
    settings = {**SETTINGS, "batch_size": 0}

    with pytest.raises(ConfigError, match=r"Received: data.batch_size=0"):
        prepare_data("mnist", path=str(tmp_path / "missing.npz"), **settings)
