"""Milliseconds per training step of kerasmap's model families, for the step-time benchmarks.

`steps_per_execution.py` and `cpu_precision.py` vary one setting each; both build each family
as kerasmap builds it for Fashion-MNIST (28x28x1 images, 10 classes, batch 64, Adam 1e-3),
fit it on random images of that shape and time two epochs of 120 steps after one of
warm-up. Settings are interleaved and repeated, because these machines are shared and
noisy; the table shows medians and each setting's speed relative to the first.
"""

import argparse
import time

import numpy as np

STEPS = 120
BATCH = 64
FAMILIES = ["mlp", "cnn", "lstm", "attention"]


def step_milliseconds(
    family: str,
    images,
    labels,
    *,
    steps_per_execution: int = 1,
    policy: str = "float32",
    jit_compile: bool = False,
    model_overrides: tuple[str, ...] = (),
    model=None,
) -> float:
    """Milliseconds per step over two timed epochs, after one epoch of warm-up.

    The model is `family` as kerasmap builds it with `model_overrides` (e.g.
    `("model.batch_norm=true",)`), or `model` when given.
    """
    import keras
    import tensorflow as tf

    from kerasmap.config import load_settings
    from kerasmap.config.compose import compose_config
    from kerasmap.models import build_model
    from kerasmap.training.precision import precision_policy

    if model is None:
        overrides = [f"model={family}", *model_overrides]
        options = load_settings(compose_config(overrides)).model.builder_options()
        with precision_policy(policy):
            model = build_model(
                family, input_shape=(28, 28, 1), num_classes=10, task="multiclass", **options
            )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    data = tf.data.Dataset.from_tensor_slices((images, labels)).batch(BATCH).cache()
    model.fit(data, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(data, epochs=2, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / (2 * STEPS) * 1000


def print_step_times(families, settings, headers, repeats: int, measure) -> None:
    """Measures `measure(family, setting, images, labels)` interleaved, prints the table.

    Args:
        families: Model families, one row each.
        settings: The values compared, one column each; the first is the baseline.
        headers: Each column's heading.
        repeats: Rounds over every family and setting.
        measure: Returns milliseconds per step for one family and setting.
    """
    from kerasmap.console import quiet_tensorflow

    quiet_tensorflow()
    rng = np.random.default_rng(0)
    images = rng.random((STEPS * BATCH, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, STEPS * BATCH)
    times = {}
    for _ in range(repeats):
        for family in families:
            for setting in settings:
                measured = measure(family, setting, images, labels)
                times.setdefault((family, setting), []).append(measured)
    print(f"| Family | {' | '.join(headers)} |")
    print("| --- |" + " ---: |" * len(settings))
    for family in families:
        base = np.median(times[(family, settings[0])])
        cells = []
        for setting in settings:
            median = np.median(times[(family, setting)])
            cells.append(f"{median:.2f} ms ({base / median:.2f}x)")
        print(f"| {family} | {' | '.join(cells)} |")


def compare_option(description: str, option: str, settings: list, headers: list[str]) -> None:
    """The command line of a benchmark that compares settings of one `step_milliseconds` option.

    Reads `--families` and `--repeats`, then prints the table for `option=setting` for each
    of `settings` (the first is the baseline).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--families", nargs="+", default=FAMILIES)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    print_step_times(
        arguments.families,
        settings,
        headers,
        arguments.repeats,
        lambda family, setting, images, labels: step_milliseconds(
            family, images, labels, **{option: setting}
        ),
    )
