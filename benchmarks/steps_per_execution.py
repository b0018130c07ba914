"""Milliseconds per training step of each model family at several `steps_per_execution`.

    python benchmarks/steps_per_execution.py                      # all families, 3 repeats
    python benchmarks/steps_per_execution.py --families mlp cnn --repeats 5

Builds each family as kerasmap builds it for Fashion-MNIST (28x28x1 images, 10 classes,
batch 64, Adam 1e-3), fits it on random images of that shape, and times two epochs of 120
steps after one epoch of warm-up (tracing). Settings are interleaved and repeated, because
these machines are shared and noisy; the table shows the median, and each setting's ratio
to one step per call, so only ratios measured in one run are compared. `auto` in
`kerasmap.training.execution` takes the best of these per family.
"""

import argparse
import time

import numpy as np

STEPS = 120
BATCH = 64


def step_milliseconds(family: str, steps_per_execution: int, images, labels) -> float:
    """Milliseconds per step over two timed epochs, after one epoch of warm-up."""
    import keras
    import tensorflow as tf

    from kerasmap.config import load_settings
    from kerasmap.config.compose import compose_config
    from kerasmap.models import build_model

    options = load_settings(compose_config([f"model={family}"])).model.builder_options()
    model = build_model(
        family, input_shape=(28, 28, 1), num_classes=10, task="multiclass", **options
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    data = tf.data.Dataset.from_tensor_slices((images, labels)).batch(BATCH).cache()
    model.fit(data, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(data, epochs=2, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / (2 * STEPS) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=["mlp", "cnn", "lstm", "attention"])
    parser.add_argument("--settings", type=int, nargs="+", default=[1, 4, 8, 32])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    from kerasmap.console import quiet_tensorflow

    quiet_tensorflow()
    rng = np.random.default_rng(0)
    images = rng.random((STEPS * BATCH, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, STEPS * BATCH)
    times = {}
    for _ in range(arguments.repeats):
        for family in arguments.families:
            for setting in arguments.settings:
                measured = step_milliseconds(family, setting, images, labels)
                times.setdefault((family, setting), []).append(measured)
    header = " | ".join(f"{setting} per call" for setting in arguments.settings)
    print(f"| Family | {header} |")
    print("| --- |" + " ---: |" * len(arguments.settings))
    for family in arguments.families:
        one = np.median(times[(family, arguments.settings[0])])
        cells = []
        for setting in arguments.settings:
            median = np.median(times[(family, setting)])
            cells.append(f"{median:.2f} ms ({one / median:.2f}x)")
        print(f"| {family} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
