"""Checks on the pipeline settings, cheap enough to run before a dataset is loaded."""

from kerasmap.errors import ConfigError


def check_pipeline_settings(*, batch_size: int, val_fraction: float, limit: int | None) -> None:
    """Checks `batch_size`, `val_fraction` and `limit` on their own.

    Whether `val_fraction` leaves both splits non-empty depends on the
    dataset's size, so `split_validation` checks that once it is known.

    Args:
        batch_size: Examples per batch.
        val_fraction: Fraction of the training examples held out for validation.
        limit: Number of training examples to keep, or `None` for all.

    Raises:
        ConfigError: If `batch_size` or `limit` is not a positive integer, or
            `val_fraction` is not a number strictly between 0 and 1.
    """
    for key, value in (("batch_size", batch_size), ("limit", limit)):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ConfigError(
                f"Received an invalid value for `data.{key}`, expected a positive integer. "
                f"Received: data.{key}={value}"
            )
    if not isinstance(val_fraction, float | int) or not 0 < val_fraction < 1:
        raise ConfigError(
            "Received an invalid value for `data.val_fraction`, expected a number strictly "
            f"between 0 and 1. Received: data.val_fraction={val_fraction}"
        )
