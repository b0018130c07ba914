"""`kerasmap.models` as the pipeline sees it: a builder per family, picked by name."""

import subprocess
import sys

import pytest
from keras import layers
from omegaconf import OmegaConf

from kerasmap.errors import ConfigError
from kerasmap.models import BUILDERS, MODALITIES, build_model

IMAGE = (28, 28, 1)


def test_every_family_has_a_builder_and_modalities():
    assert set(BUILDERS) == set(MODALITIES) == {"mlp", "cnn", "lstm", "attention"}


def test_importing_models_leaves_out_data_tracking_and_hydra():
    forbidden = ["mlflow", "hydra", "omegaconf", "kerasmap.data", "kerasmap.tracking"]
    code = f"import sys, kerasmap.models; print([m for m in {forbidden} if m in sys.modules])"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_unknown_family_lists_the_valid_ones():
    message = r"`family`, expected one of \['attention', 'cnn', 'lstm', 'mlp'\]. Received: family="
    with pytest.raises(ConfigError, match=message):
        build_model("resnet", input_shape=IMAGE, num_classes=10, task="multiclass")


def test_unknown_option_lists_the_builder_arguments():
    message = (
        r"unknown options \['hiden_units'\] for model family `mlp`, expected some of \['hidden"
    )
    with pytest.raises(ConfigError, match=message):
        build_model("mlp", input_shape=IMAGE, num_classes=10, task="multiclass", hiden_units=(8,))


def test_build_model_passes_options_to_the_builder():
    model = build_model(
        "lstm", input_shape=IMAGE, num_classes=10, task="binary", cell="rnn", units=(8, 8)
    )

    assert model.name == "lstm"
    assert len([layer for layer in model.layers if isinstance(layer, layers.SimpleRNN)]) == 2


def test_lists_from_a_hydra_config_are_accepted():
    options = OmegaConf.create({"hidden_units": [16, 8]})

    model = build_model("mlp", input_shape=[2], num_classes=3, task="multiclass", **options)

    assert [layer.units for layer in model.layers if isinstance(layer, layers.Dense)] == [16, 8, 3]
