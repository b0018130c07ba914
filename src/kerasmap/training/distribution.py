"""Data parallelism: one replica of the model per visible GPU, or per logical CPU device.

Under `tf.distribute.MirroredStrategy` every replica holds a copy of the variables and takes
its share of each batch; the gradients are averaged over replicas before every update, so
`trainer.batch_size` is the global batch, split between the replicas. Keras 3 fits with it
on one host only: it does not support `MultiWorkerMirroredStrategy` in `model.fit`, so
training across several machines is not offered.
"""

import logging
import os

import tensorflow as tf

from kerasmap.config import checks
from kerasmap.data.bundle import DatasetBundle
from kerasmap.errors import ConfigError

log = logging.getLogger(__name__)

CPU_DEVICES_VARIABLE = "KERASMAP_CPU_DEVICES"


def split_cpu_from_environment() -> None:
    """Splits the CPU into `KERASMAP_CPU_DEVICES` logical devices, when that is set.

    Logical CPU devices let a machine without GPUs train a mirrored run, as the tests do.
    TensorFlow fixes its devices the first time one is used, so this runs as a run starts;
    called again with the same number (the next job of a sweep), it does nothing.

    Raises:
        ConfigError: If the variable is not a whole number >= 1, or TensorFlow's devices
            were already set up with another number in this process.
    """
    value = os.environ.get(CPU_DEVICES_VARIABLE, "")
    if not value:
        return
    checks.require(
        value.isdigit() and int(value) >= 1, CPU_DEVICES_VARIABLE, value, "a whole number >= 1"
    )
    (cpu,) = tf.config.list_physical_devices("CPU")
    if len(tf.config.get_logical_device_configuration(cpu) or [cpu]) == int(value):
        return
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(int(value))]
        )
    except RuntimeError:
        raise ConfigError(
            f"`{CPU_DEVICES_VARIABLE}={value}` came too late: TensorFlow had already set up "
            "its devices in this process; set it before the process starts."
        ) from None


def make_strategy(requested: str, bundle: DatasetBundle, batch_size: int) -> tf.distribute.Strategy:
    """Turns `trainer.distribution` into the strategy to build and fit the model under.

    Args:
        requested: `"auto"`, `"none"` or `"mirrored"`.
        bundle: The prepared datasets, which must suit the replicas (see
            `mirroring_problem`).
        batch_size: The global batch size, split between the replicas.

    Returns:
        For `"mirrored"`, a `tf.distribute.MirroredStrategy` over every visible GPU; on a
        machine without GPUs, over the logical CPU devices when there are more than one
        (see `split_cpu_from_environment`). With a single device, and for `"none"`,
        TensorFlow's default strategy: one device, one replica. `"auto"` is `"mirrored"`
        when more than one GPU is visible and the data suits them (else it warns why
        not), `"none"` otherwise.

    Raises:
        ConfigError: For `"mirrored"` when the data does not suit the replicas.
    """
    gpus = tf.config.list_logical_devices("GPU")
    devices = gpus or tf.config.list_logical_devices("CPU")
    wanted = requested == "mirrored" or (requested == "auto" and len(gpus) > 1)
    if not wanted or len(devices) < 2:
        return tf.distribute.get_strategy()
    problem = mirroring_problem(bundle, batch_size, len(devices))
    if problem and requested == "auto":
        log.warning("Training on one device, not %d: %s.", len(devices), problem)
        return tf.distribute.get_strategy()
    if problem:
        raise ConfigError(
            f"`trainer.distribution=mirrored` cannot train this data on {len(devices)} "
            f"replicas: {problem}; use trainer.distribution=none."
        )
    return tf.distribute.MirroredStrategy([device.name for device in devices])


def mirroring_problem(bundle: DatasetBundle, batch_size: int, replicas: int) -> str | None:
    """Why Keras 3 cannot fit `bundle` over `replicas` replicas, or `None` if it can.

    Before fitting or evaluating, Keras 3 builds a mirrored model from the mean over the
    replicas of a first batch (keras-team/keras#19246), which needs numbers split into
    equal shares; and a replica whose share of a last, short batch is empty fails its
    training step.
    """
    if any(spec.dtype == tf.string for spec in tf.nest.flatten(bundle.train.element_spec)):
        return "its inputs include strings, which Keras 3 cannot average over replicas"
    splits = {"training": bundle.num_train, "validation": bundle.num_val, "test": bundle.num_test}
    for split, examples in splits.items():
        first_batch, last_batch = min(examples, batch_size), examples % batch_size
        if first_batch % replicas:
            return (
                f"the first {split} batch holds {first_batch} examples, which do not split "
                f"into {replicas} equal shares as Keras 3 requires"
            )
        if 0 < last_batch < replicas:
            return (
                f"the last {split} batch holds {last_batch} of {batch_size} examples, which "
                f"leaves a replica of {replicas} with none"
            )
    return None


def scaled_learning_rate(learning_rate: float, rule: str, replicas: int) -> float:
    """The learning rate for `replicas` replicas under `trainer.lr_scaling`.

    Args:
        learning_rate: The configured rate (`optimizer.learning_rate`).
        rule: `"none"` keeps it; `"linear"` multiplies it by `replicas`, for a global
            batch that grows with the number of replicas.
        replicas: Replicas training in sync.

    Returns:
        The rate the optimizer starts with.
    """
    return learning_rate * replicas if rule == "linear" else learning_rate
