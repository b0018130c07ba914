"""Seeds and determinism."""

import keras
import tensorflow as tf

# TensorFlow's `get_seed` compares `(global seed, op seed)` with `(0, 0)` as a Python tuple,
# which fails with "a symbolic tf.Tensor as a Python bool" for a tensor op seed (the
# pipelines' per-epoch shuffle seed) whenever the global seed is 0 modulo 2**31 - 1. Such
# a seed sets this global seed instead; it still seeds everything else.
TENSORFLOW_MODULUS = 2**31 - 1
STAND_IN_GLOBAL_SEED = 2**31 - 2


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seeds Python, numpy and TensorFlow; optionally makes TensorFlow ops deterministic.

    Args:
        seed: The seed for every random number generator.
        deterministic: Turn on TensorFlow op determinism (bit-identical reruns on the
            same machine, at some cost in speed). Once on, it stays on for the process.
            Defaults to `False`.
    """
    keras.utils.set_random_seed(seed)
    if seed % TENSORFLOW_MODULUS == 0:
        tf.random.set_seed(STAND_IN_GLOBAL_SEED)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
