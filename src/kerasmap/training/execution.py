"""How many training steps run in one call into TensorFlow (`steps_per_execution`).

Each call from Python into a compiled step costs about a millisecond on a CPU. A small
model's step costs about as much, so running several steps per call speeds it up; a large
model's step dwarfs that cost. `auto` takes the number measured best (README's performance
section, `benchmarks/steps_per_execution.py`); a number sets it. Per-epoch logging, early
stopping, schedules and resume are unchanged: Keras calls epoch callbacks at every epoch
end whatever the number, and batch callbacks every that many steps.
"""

AUTO = "auto"
# Measured with benchmarks/steps_per_execution.py on 2 CPU cores, batch 64: against one step
# per call, 8 made the MLP 1.9x as fast, the CNN 1.55x, the LSTM 1.07x and the transformer
# 1.14x; 32 gained nothing more (README). No family was slower.
AUTO_STEPS = 8


def resolve_steps_per_execution(setting: str, steps_per_epoch: int) -> int:
    """The number of steps per call for `trainer.steps_per_execution=setting`.

    Args:
        setting: `"auto"`, or a whole number >= 1 as a string.
        steps_per_epoch: Training batches per epoch; the number never exceeds it.

    Returns:
        An integer in [1, steps_per_epoch].
    """
    chosen = AUTO_STEPS if setting == AUTO else int(setting)
    return max(1, min(chosen, steps_per_epoch))
