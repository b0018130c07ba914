"""Model builders, one module per family: `kerasmap.models.<family>.build_<family>`.

Each builder takes plain keyword arguments (the family's options, whose defaults live in
`conf/model/<family>.yaml`) and returns an uncompiled `keras.Model` made of built-in Keras
layers only, so a saved model loads wherever Keras does. `build_model` picks the builder by
family name for the pipeline.
"""

import sys

from kerasmap.conventions import named_function, names_with_function
from kerasmap.errors import ConfigError


def builder_for(family):
    """Returns the builder function of `family`.

    Raises:
        ConfigError: If no module `kerasmap.models.<family>` defines `build_<family>`.
    """
    builder = named_function(sys.modules[__name__], family, "build_")
    if builder is None:
        raise ConfigError(
            f"Received an invalid value for argument `family`, expected one of "
            f"{families()}. Received: family={family!r}"
        )
    return builder


def families():
    """Every family that has a builder, sorted by name."""
    return names_with_function(sys.modules[__name__], "build_")


def build_model(family, *, input_shape, num_classes, task, **options):
    """Builds a model of the named family.

    Args:
        family: A family name, e.g. `"mlp"`, `"cnn"`, `"lstm"`, `"attention"`.
        input_shape: Shape of one example, without the batch axis.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        **options: The family's other builder arguments, such as `dropout`.

    Returns:
        An uncompiled `keras.Model`.

    Raises:
        ConfigError: If `family` is unknown or an option does not fit the input.
    """
    return builder_for(family)(input_shape, num_classes, task=task, **options)
