"""`kerasmap.models` as the pipeline sees it: a builder per family, picked by name."""

import subprocess
import sys

import pytest
from keras import layers
from omegaconf import ListConfig

from kerasmap.config.compose import compose_config
from kerasmap.errors import ConfigError
from kerasmap.models import build_model, families

IMAGE = (28, 28, 1)
# Model code never imports data loading, run recording, reports, config or Hydra.
FORBIDDEN = [
    "mlflow",
    "hydra",
    "omegaconf",
    "kerasmap.config",
    "kerasmap.data",
    "kerasmap.recording",
    "kerasmap.reports",
]


def test_importing_every_builder_leaves_out_data_recording_config_and_hydra():
    code = (
        "import sys, kerasmap.models; kerasmap.models.families(); "
        f"print([m for m in {FORBIDDEN} if m in sys.modules])"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_unknown_family_lists_the_valid_ones():
    message = (
        f"Received an invalid value for argument `family`, expected one of {families()}. "
        "Received: family='resnet'"
    )
    with pytest.raises(ConfigError) as error:
        build_model("resnet", input_shape=IMAGE, num_classes=10, task="multiclass")

    assert str(error.value) == message


def test_build_model_passes_options_to_the_builder(default_options):
    options = {**default_options("lstm"), "cell": "rnn", "units": [8, 8]}

    model = build_model("lstm", input_shape=IMAGE, num_classes=10, task="binary", **options)

    assert model.name == "lstm"
    assert len([layer for layer in model.layers if isinstance(layer, layers.SimpleRNN)]) == 2


def test_lists_from_a_hydra_config_are_accepted():
    cfg = compose_config(["model=mlp", "model.hidden_units=[16,8]", "data=mnist"])
    options = {key: value for key, value in cfg.model.items() if key != "name"}
    assert isinstance(options["hidden_units"], ListConfig)

    model = build_model("mlp", input_shape=[2], num_classes=3, task="multiclass", **options)

    assert [layer.units for layer in model.layers if isinstance(layer, layers.Dense)] == [16, 8, 3]
