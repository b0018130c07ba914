"""Seeds and determinism."""

import keras
import tensorflow as tf


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seeds Python, numpy and TensorFlow; optionally makes TensorFlow ops deterministic.

    Args:
        seed: The seed for every random number generator.
        deterministic: Turn on TensorFlow op determinism (bit-identical reruns on the
            same machine, at some cost in speed). Once on, it stays on for the process.
            Defaults to `False`.
    """
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
