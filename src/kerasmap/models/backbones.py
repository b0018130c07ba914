"""The Keras application backbones of `model=pretrained`, and where their weights are.

Each backbone is a `keras.applications` function and the file of its ImageNet weights
without the classifier (`include_top=False`), named and found at the address that Keras's
own source gives it (`keras/src/applications/mobilenet_v3.py`, `efficientnet_v2.py`). Keras
downloads such a file once into its cache, `$KERAS_HOME/models/` (`~/.keras/models/` when
`KERAS_HOME` is not set), and so does a connected machine here; offline, a user copies the
file there or names it with `model.weights`. This module imports no TensorFlow, so a missing
file is reported before anything is loaded.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from kerasmap.errors import ConfigError

MOBILENET_V3_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
EFFICIENTNET_V2_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
)
# The smallest image side these backbones take (Keras refuses smaller inputs).
MIN_IMAGE_SIDE = 32


@dataclass(frozen=True)
class Backbone:
    """A `keras.applications` function, its options and its ImageNet weights file."""

    application: str  # the function's name in `keras.applications`
    file_name: str  # the weights without the classifier, as Keras names them in its cache
    base_url: str
    options: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Where Keras downloads the weights file from."""
        return self.base_url + self.file_name


def _mobilenet_v3(size: str, minimalistic: bool = False) -> Backbone:
    variant = f"{size}_minimalistic" if minimalistic else size
    return Backbone(
        f"MobileNetV3{size.title()}",
        f"weights_mobilenet_v3_{variant}_224_1.0_float_no_top_v2.h5",
        MOBILENET_V3_URL,
        {"minimalistic": True} if minimalistic else {},
    )


def _efficientnet_v2(variant: str) -> Backbone:
    return Backbone(
        f"EfficientNetV2{variant.upper()}",
        f"efficientnetv2-{variant}_notop.h5",
        EFFICIENTNET_V2_URL,
    )


BACKBONES = {
    "mobilenet_v3_small": _mobilenet_v3("small"),
    "mobilenet_v3_small_minimalistic": _mobilenet_v3("small", minimalistic=True),
    "mobilenet_v3_large": _mobilenet_v3("large"),
    "mobilenet_v3_large_minimalistic": _mobilenet_v3("large", minimalistic=True),
    **{
        f"efficientnet_v2_{variant}": _efficientnet_v2(variant)
        for variant in ("b0", "b1", "b2", "b3")
    },
}


def keras_models_dir() -> Path:
    """The folder where `keras.utils.get_file` keeps model weights.

    Returns:
        `$KERAS_HOME/models` when `KERAS_HOME` is set, else `~/.keras/models`; as in Keras,
        `/tmp/.keras/models` when that home exists but is not writable.
    """
    home = os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras")))
    if os.path.exists(home) and not os.access(home, os.W_OK):
        home = os.path.join("/tmp", ".keras")
    return Path(home) / "models"


def weights_file(backbone: str, weights: str | None) -> Path:
    """The weights file to start `backbone` from: `weights`, or else the one in Keras's cache."""
    if weights is not None:
        return Path(weights)
    return keras_models_dir() / BACKBONES[backbone].file_name


def require_weights_file(backbone: str, weights: str | None) -> Path:
    """Returns the weights file of `backbone`, or says in one sentence where to put it.

    Args:
        backbone: A key of `BACKBONES`.
        weights: The file a user gave (`model.weights`), or `None` for Keras's cache.

    Raises:
        ConfigError: If the file does not exist, naming the file, where it goes and its URL.
    """
    path = weights_file(backbone, weights)
    if path.is_file():
        return path
    spec = BACKBONES[backbone]
    if weights is not None:
        raise ConfigError(
            f"Received an invalid value for `model.weights`, expected the path of a weights "
            f"file of the {backbone} backbone, such as {spec.file_name} from {spec.url}. "
            f"Received: model.weights={weights!r}"
        )
    raise ConfigError(
        f"The {backbone} backbone's weights are not in Keras's cache: download {spec.url} "
        f"on a connected machine and copy it to {path}, or give its path as "
        f"model.weights=<file>."
    )
