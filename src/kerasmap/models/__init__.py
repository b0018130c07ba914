"""Model builders, one module per family: `kerasmap.models.<family>.build_<family>`.

Each builder takes plain keyword arguments (the family's options, whose defaults live in
`conf/model/<family>.yaml`) and returns an uncompiled `keras.Model` made of built-in Keras
layers only, so a saved model loads wherever Keras does. `build_model` picks the builder by
family name for the pipeline.
"""

import importlib
import pkgutil

from kerasmap.errors import ConfigError


def builder_for(family):
    """Returns the builder function of `family`.

    Raises:
        ConfigError: If no module `kerasmap.models.<family>` defines `build_<family>`.
    """
    builder = _find_builder(family)
    if builder is None:
        raise ConfigError(
            f"Received an invalid value for argument `family`, expected one of "
            f"{families()}. Received: family={family!r}"
        )
    return builder


def families():
    """Every family that has a builder, sorted by name."""
    names = (module.name for module in pkgutil.iter_modules(__path__))
    return sorted(name for name in names if _find_builder(name) is not None)


def _find_builder(family):
    name = f"{__name__}.{family}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise  # the family exists but needs a package that is not installed
        return None
    return getattr(module, f"build_{family}", None)


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
