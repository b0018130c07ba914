"""Argument checks shared by the model builders.

Every check raises `ConfigError` with one sentence naming the argument, what is expected
and what was received, so the pipeline can report a bad config value without a traceback.
"""

from collections.abc import Sequence
from numbers import Integral, Real

import keras

from kerasmap.errors import ConfigError


def invalid_argument(name, expected, value):
    """Returns the `ConfigError` for argument `name` holding an unexpected `value`."""
    return ConfigError(
        f"Received an invalid value for argument `{name}`, expected {expected}. "
        f"Received: {name}={value!r}"
    )


def check_positive_int(name, value):
    """Returns `value` as an `int`, or raises if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise invalid_argument(name, "a positive integer", value)
    return int(value)


def check_positive_ints(name, values):
    """Returns `values` as a tuple of `int`s, or raises unless all are positive integers."""
    expected = "a non-empty sequence of positive integers"
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise invalid_argument(name, expected, values)
    if any(isinstance(v, bool) or not isinstance(v, Integral) or v < 1 for v in values):
        raise invalid_argument(name, expected, values)
    return tuple(int(v) for v in values)


def check_rate(name, value):
    """Returns `value` as a `float`, or raises if it is not in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < 1:
        raise invalid_argument(name, "a float in [0, 1)", value)
    return float(value)


def check_non_negative(name, value):
    """Returns `value` as a `float`, or raises if it is not a number >= 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
        raise invalid_argument(name, "a float >= 0", value)
    return float(value)


def check_choice(name, value, choices):
    """Returns `value`, or raises if it is not one of `choices`."""
    if not isinstance(value, str) or value not in choices:
        raise invalid_argument(name, f"one of {sorted(choices)}", value)
    return value


def check_activation(name, value):
    """Returns `value`, or raises if Keras does not know it as an activation."""
    try:
        keras.activations.get(value)
    except (TypeError, ValueError):
        raise invalid_argument(name, "the name of a Keras activation", value) from None
    return value


def check_sequence_input(input_shape, vocab_size):
    """Returns the modality of a recurrent or attention model's input.

    Args:
        input_shape: `(height, width, channels)` for images, `(maxlen,)` for tokens.
        vocab_size: Token vocabulary size, required for token input and
            rejected for images.

    Returns:
        `"image"` or `"tokens"`.

    Raises:
        ConfigError: If the input is neither an image nor a token sequence with
            a vocabulary size.
    """
    input_shape = check_positive_ints("input_shape", input_shape)
    if len(input_shape) == 3:
        if vocab_size is not None:
            raise invalid_argument("vocab_size", "None for image input", vocab_size)
        return "image"
    if len(input_shape) == 1:
        if vocab_size is None:
            raise invalid_argument("vocab_size", "a positive integer for token input", None)
        check_positive_int("vocab_size", vocab_size)
        return "tokens"
    raise invalid_argument(
        "input_shape", "(height, width, channels) for images or (maxlen,) for tokens", input_shape
    )
