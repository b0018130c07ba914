"""The error for a bad `hydra.sweeper` option or search space."""

from typing import Any

from hydra.errors import CompactHydraException

from kerasmap.errors import ConfigError


class SweeperConfigError(ConfigError, CompactHydraException):
    """A `hydra.sweeper` option or search-space entry is invalid.

    It is a `CompactHydraException` because Hydra prints those as their message alone;
    any other error raised while the sweep starts is printed with a full traceback.
    """


def invalid_value(key: str, value: Any, expected: str) -> SweeperConfigError:
    """A one-sentence `SweeperConfigError` naming `key`, `expected` and `value`.

    Args:
        key: Dotted config key, e.g. `hydra.sweeper.n_trials`.
        value: The value received.
        expected: What is allowed, e.g. `an integer >= 1`.

    Returns:
        The error, to raise.
    """
    return SweeperConfigError(
        f"Received an invalid value for `{key}`, expected {expected}. Received: {key}={value!r}"
    )


def require(condition: bool, key: str, value: Any, expected: str) -> None:
    """Raises `invalid_value(key, value, expected)` unless `condition` holds.

    Raises:
        SweeperConfigError: If `condition` is false.
    """
    if not condition:
        raise invalid_value(key, value, expected)
