"""Floating-point policy: mixed precision on capable GPUs, float32 elsewhere."""

import contextlib
from collections.abc import Iterator

import keras
import tensorflow as tf

MIN_FLOAT16_COMPUTE_CAPABILITY = (7, 0)  # Volta: the first GPUs with float16 tensor cores


def gpu_compute_capabilities() -> list[tuple[int, int]]:
    """Returns the compute capability of each visible GPU (empty on a CPU-only machine)."""
    capabilities = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capabilities.append(tuple(details.get("compute_capability", (0, 0))))
    return capabilities


def resolve_precision(requested: str) -> str:
    """Turns `"auto"` into a concrete Keras dtype policy name.

    Args:
        requested: `"auto"`, `"float32"`, `"mixed_float16"` or `"mixed_bfloat16"`.

    Returns:
        `requested` unchanged unless it is `"auto"`, which becomes `"mixed_float16"`
        when a GPU of compute capability >= 7.0 is visible and `"float32"` otherwise.
    """
    if requested != "auto":
        return requested
    capable = any(cc >= MIN_FLOAT16_COMPUTE_CAPABILITY for cc in gpu_compute_capabilities())
    return "mixed_float16" if capable else "float32"


def describe_device() -> str:
    """Names the device training runs on, for the run's tags."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "cpu"
    names = [
        tf.config.experimental.get_device_details(gpu).get("device_name", "gpu") for gpu in gpus
    ]
    return ", ".join(names)


@contextlib.contextmanager
def precision_policy(name: str) -> Iterator[None]:
    """Sets Keras's global dtype policy for the duration of the block, then restores it."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)
