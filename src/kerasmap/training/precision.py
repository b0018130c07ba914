"""Floating-point policy: mixed precision where the hardware pays it back, float32 elsewhere.

On a GPU of compute capability 7.0 or more, `auto` is mixed float16. On a CPU with bfloat16
matrix units (AVX512-BF16 or AMX, read from the CPU's flags) it is mixed bfloat16 for the CNN,
whose training step it makes 1.64x as fast (`benchmarks/cpu_precision.py`) for a test accuracy
0.25 points from float32's on the same seed (README, "The levers, measured"). The LSTM's step
was 1.27x as fast but its accuracy 0.81 points lower, the MLP gained 1.11x, the transformer
lost 5%: they, and every family not measured, stay float32.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import keras
import tensorflow as tf

MIN_FLOAT16_COMPUTE_CAPABILITY = (7, 0)  # Volta: the first GPUs with float16 tensor cores
BFLOAT16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})  # bfloat16 matrix units
BFLOAT16_FAMILIES_ON_CPU = ("cnn",)


def gpu_compute_capabilities() -> list[tuple[int, int]]:
    """Returns the compute capability of each visible GPU (empty on a CPU-only machine)."""
    capabilities = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capabilities.append(tuple(details.get("compute_capability", (0, 0))))
    return capabilities


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags, as Linux lists them in `/proc/cpuinfo`; none elsewhere."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def resolve_precision(requested: str, family: str = "", flags: frozenset[str] | None = None) -> str:
    """Turns `"auto"` into a concrete Keras dtype policy name.

    Args:
        requested: `"auto"`, `"float32"`, `"mixed_float16"` or `"mixed_bfloat16"`.
        family: The model family (`model.name`). Defaults to `""`.
        flags: The CPU's feature flags; `None` reads them (`cpu_flags`). Defaults to `None`.

    Returns:
        `requested` unless it is `"auto"`, which becomes `"mixed_float16"` when a GPU of
        compute capability >= 7.0 is visible; else `"mixed_bfloat16"` for a family of
        `BFLOAT16_FAMILIES_ON_CPU` on a CPU with bfloat16 units; else `"float32"`.
    """
    if requested != "auto":
        return requested
    capabilities = gpu_compute_capabilities()
    if any(cc >= MIN_FLOAT16_COMPUTE_CAPABILITY for cc in capabilities):
        return "mixed_float16"
    flags = cpu_flags() if flags is None else flags
    if not capabilities and family in BFLOAT16_FAMILIES_ON_CPU and flags & BFLOAT16_CPU_FLAGS:
        return "mixed_bfloat16"
    return "float32"


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
