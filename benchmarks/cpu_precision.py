"""Milliseconds per training step of each model family in float32 and in mixed bfloat16.

    python benchmarks/cpu_precision.py                            # all families, 3 repeats
    python benchmarks/cpu_precision.py --families cnn --repeats 5

Builds each family as kerasmap builds it for Fashion-MNIST (28x28x1 images, 10 classes,
batch 64, Adam 1e-3) under each Keras dtype policy, fits it on random images of that shape
and times two epochs of 120 steps after one of warm-up, one step per call. Policies are
interleaved and repeated; the table shows the median and each policy's speed relative to
float32. Whether bfloat16 pays on a CPU depends on the CPU (AVX512-BF16 or AMX tiles).
"""

import argparse
import time

import numpy as np

STEPS = 120
BATCH = 64
POLICIES = ("float32", "mixed_bfloat16")


def step_milliseconds(family: str, policy: str, images, labels) -> float:
    """Milliseconds per step over two timed epochs, after one epoch of warm-up."""
    import keras
    import tensorflow as tf

    from kerasmap.config import load_settings
    from kerasmap.config.compose import compose_config
    from kerasmap.models import build_model
    from kerasmap.training.precision import precision_policy

    options = load_settings(compose_config([f"model={family}"])).model.builder_options()
    with precision_policy(policy):
        model = build_model(
            family, input_shape=(28, 28, 1), num_classes=10, task="multiclass", **options
        )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    data = tf.data.Dataset.from_tensor_slices((images, labels)).batch(BATCH).cache()
    model.fit(data, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(data, epochs=2, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / (2 * STEPS) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=["mlp", "cnn", "lstm", "attention"])
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
            for policy in POLICIES:
                measured = step_milliseconds(family, policy, images, labels)
                times.setdefault((family, policy), []).append(measured)
    print("| Family | " + " | ".join(POLICIES) + " |")
    print("| --- |" + " ---: |" * len(POLICIES))
    for family in arguments.families:
        base = np.median(times[(family, POLICIES[0])])
        cells = []
        for policy in POLICIES:
            median = np.median(times[(family, policy)])
            cells.append(f"{median:.2f} ms ({base / median:.2f}x)")
        print(f"| {family} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
