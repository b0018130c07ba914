"""Checks the builders make on what only they see: input shapes, class counts, Keras names.

Ranges of the options themselves (dropout in [0, 1), positive layer sizes, ...) are checked
once, in the config schemas (`kerasmap.config`); Keras's own layers check them again for
code that calls a builder directly.
"""

import keras

from kerasmap.errors import ConfigError


def invalid_argument(name, expected, value):
    """Returns the `ConfigError` for argument `name` holding an unexpected `value`."""
    return ConfigError(
        f"Received an invalid value for argument `{name}`, expected {expected}. "
        f"Received: {name}={value!r}"
    )


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
    if len(input_shape) == 3:
        if vocab_size is not None:
            raise invalid_argument("vocab_size", "None for image input", vocab_size)
        return "image"
    if len(input_shape) == 1:
        if vocab_size is None:
            raise invalid_argument("vocab_size", "a positive integer for token input", None)
        return "tokens"
    raise invalid_argument(
        "input_shape", "(height, width, channels) for images or (maxlen,) for tokens", input_shape
    )
