"""Whether Keras compiles the training step with XLA (`trainer.jit_compile`).

Measured with `benchmarks/xla.py` on 2 CPU cores (README, "Performance"): XLA made the MLP's
training step 1.5x as fast (1.4x at 4 steps per call), the CNN's ten times slower, and left
the LSTM's and the transformer's within 4%. Compiling costs about a second more before the
first step, which the MLP's saving of about half a millisecond a step pays back within
2,000 steps. So on a CPU `auto` turns XLA on for the MLP only, only for runs of at least
`MIN_XLA_STEPS` steps, and only over numeric inputs: a table's text and category columns go
through lookups that XLA cannot compile. On a GPU `auto` leaves the choice to Keras (on
wherever the model supports it), and with several replicas XLA stays off, as Keras decides.
"""

import tensorflow as tf

AUTO = "auto"
SETTINGS = (AUTO, "true", "false")
XLA_FAMILIES_ON_CPU = ("mlp",)
NUMERIC_INPUT_KINDS = ("image", "features")
MIN_XLA_STEPS = 2_000  # Fashion-MNIST's MLP: 844 steps an epoch, 8,440 in the default run


def resolve_jit_compile(
    setting: str, family: str, input_kind: str, planned_steps: int, replicas: int = 1
):
    """The `jit_compile` to compile a model with, for `trainer.jit_compile=setting`.

    Args:
        setting: `"auto"`, `"true"` or `"false"`.
        family: The model family (`model.name`).
        input_kind: What the model takes (`DatasetBundle.input_kind`).
        planned_steps: Training steps of the whole run, if it runs all its epochs.
        replicas: Replicas training in sync. Defaults to `1`.

    Returns:
        `True` or `False`; `"auto"` (Keras's own choice) for `auto` on a GPU.
    """
    if setting != AUTO:
        return setting == "true"
    if replicas > 1:
        return False
    if tf.config.list_physical_devices("GPU"):
        return AUTO
    return (
        family in XLA_FAMILIES_ON_CPU
        and input_kind in NUMERIC_INPUT_KINDS
        and planned_steps >= MIN_XLA_STEPS
    )
