"""Keras-style range checks shared by the config schemas."""

from typing import Any

from kerasmap.errors import ConfigError


def require(condition: bool, key: str, value: Any, expected: str) -> None:
    """Raises a one-sentence `ConfigError` naming `key`, `expected` and `value`.

    Args:
        condition: What must hold for the value to be valid.
        key: Dotted config key, e.g. `model.dropout`.
        value: The value received.
        expected: What is allowed, e.g. `a float in [0, 1)`.

    Raises:
        ConfigError: If `condition` is false.
    """
    if not condition:
        raise ConfigError(
            f"Received an invalid value for `{key}`, expected {expected}. Received: {key}={value!r}"
        )


def require_positive(key: str, value: Any) -> None:
    """Requires an integer >= 1."""
    require(value >= 1, key, value, "an integer >= 1")


def require_fraction(key: str, value: float) -> None:
    """Requires a float in [0, 1), as for dropout rates."""
    require(0 <= value < 1, key, value, "a float in [0, 1)")


def require_non_negative(key: str, value: float) -> None:
    """Requires a float >= 0, as for regularisation strengths."""
    require(value >= 0, key, value, "a float >= 0")


def require_choice(key: str, value: Any, choices: tuple) -> None:
    """Requires one of `choices`."""
    allowed = ", ".join(repr(choice) for choice in choices)
    require(value in choices, key, value, f"one of {allowed}")
