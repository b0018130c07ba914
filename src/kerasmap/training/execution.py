"""How many training steps run in one call into TensorFlow (`steps_per_execution`).

Each call from Python into a compiled step costs about a millisecond on a CPU. A small
model's step costs about as much, so running several steps per call speeds it up; a large
model's step dwarfs that cost. `auto` takes the number measured best (README's performance
section, `benchmarks/steps_per_execution.py`); a number sets it. Per-epoch logging, early
stopping, schedules and resume are unchanged: Keras calls epoch callbacks at every epoch
end whatever the number, and batch callbacks every that many steps.
"""

import logging

log = logging.getLogger(__name__)
AUTO = "auto"
# Measured with benchmarks/steps_per_execution.py on 2 CPU cores, batch 64, against one step
# per call: 4 or 8 made the MLP 1.46x as fast, the LSTM 1.03-1.05x, the transformer
# 1.01-1.04x and left the CNN the same (1.00-1.02x); 32 gained nothing more (README).
# No family was slower. An epoch of 844 steps (Fashion-MNIST at batch 64) takes 4, the
# largest divisor up to 8.
AUTO_STEPS = 8


def resolve_steps_per_execution(setting: str, steps_per_epoch: int, replicas: int = 1) -> int:
    """The number of steps per call for `trainer.steps_per_execution=setting`.

    Keras runs whole calls: when the number does not divide the steps of an epoch, the
    epoch's last call runs on into the next epoch's batches, and the epochs no longer
    match those of a resumed run. So the number taken is the largest one up to the
    setting that divides the epoch's steps (180 steps and `auto`: 6). With more than one
    replica it is 1: Keras 3 fails to run a mirrored step inside its multi-step loop
    (keras-team/keras#19246, "You must feed a value for placeholder tensor").

    Args:
        setting: `"auto"`, or a whole number >= 1 as a string.
        steps_per_epoch: Training batches per epoch.
        replicas: Replicas training in sync. Defaults to `1`.

    Returns:
        A divisor of `steps_per_epoch`, at most the setting (`auto`: `AUTO_STEPS`).
    """
    if replicas > 1:
        if setting not in (AUTO, "1"):
            log.warning(
                "Running 1 step per call, not trainer.steps_per_execution=%s: Keras runs one "
                "step per call with %d replicas.",
                setting,
                replicas,
            )
        return 1
    most = AUTO_STEPS if setting == AUTO else int(setting)
    chosen = max(
        n for n in range(1, max(1, min(most, steps_per_epoch)) + 1) if steps_per_epoch % n == 0
    )
    if setting != AUTO and chosen != most:
        log.warning(
            "Running %d steps per call, not trainer.steps_per_execution=%s: it does not divide "
            "the %d steps of an epoch.",
            chosen,
            setting,
            steps_per_epoch,
        )
    return chosen
