"""Model builders, one per family, and the heads, losses and metrics they share.

Each builder takes plain keyword arguments and returns an uncompiled `keras.Model`;
`build_model` picks one by family name for the pipeline.
"""

import inspect

from kerasmap.errors import ConfigError
from kerasmap.families import FAMILY_MODALITIES
from kerasmap.models.attention import build_attention
from kerasmap.models.cnn import build_cnn
from kerasmap.models.head import loss_and_metrics, monitored_metric, output_layer
from kerasmap.models.layers import PositionEmbedding
from kerasmap.models.lstm import build_lstm
from kerasmap.models.mlp import build_mlp
from kerasmap.models.validation import check_choice

BUILDERS = {"mlp": build_mlp, "cnn": build_cnn, "lstm": build_lstm, "attention": build_attention}

# The kinds of input each family can read, matching a dataset bundle's `modality`.
MODALITIES = FAMILY_MODALITIES

__all__ = [
    "BUILDERS",
    "MODALITIES",
    "PositionEmbedding",
    "build_attention",
    "build_cnn",
    "build_lstm",
    "build_mlp",
    "build_model",
    "loss_and_metrics",
    "monitored_metric",
    "output_layer",
]


def build_model(family, *, input_shape, num_classes, task, **options):
    """Builds a model of the named family.

    Args:
        family: One of `"mlp"`, `"cnn"`, `"lstm"`, `"attention"`.
        input_shape: Shape of one example, without the batch axis.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        **options: The family's other builder arguments, such as `dropout`.

    Returns:
        An uncompiled `keras.Model`.

    Raises:
        ConfigError: If `family` is unknown, an option is not an argument of its
            builder, or a value is out of range.
    """
    builder = BUILDERS[check_choice("family", family, BUILDERS)]
    accepted = list(inspect.signature(builder).parameters)[3:]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ConfigError(
            f"Received unknown options {unknown} for model family `{family}`, "
            f"expected some of {accepted}."
        )
    return builder(input_shape, num_classes, task=task, **options)
