"""The classic CNN's arithmetic floor on this machine: its training step with nothing around it.

    python benchmarks/cnn_floor.py

Times the CNN's forward and backward pass and Adam's update (float32, one `tf.function`, no
input pipeline, no metrics, no callbacks) on random images held in memory, at several batch
sizes, and prints the examples per second of each: the best of them is what this CPU can do
on exactly this arithmetic, the floor a training run's throughput is set against (the
issue's goal: kerasmap's CNN at >= 70% of it, at its batch of 64).
"""

import time

import numpy as np

BATCH_SIZES = [64, 256, 1024]
TIMED_EXAMPLES = 16_384


def examples_per_second(batch_size: int) -> float:
    import keras
    import tensorflow as tf

    from kerasmap.config import load_settings
    from kerasmap.config.compose import compose_config
    from kerasmap.models import build_model

    options = load_settings(compose_config(["model=cnn"])).model.builder_options()
    model = build_model(
        "cnn", input_shape=(28, 28, 1), num_classes=10, task="multiclass", **options
    )
    optimizer = keras.optimizers.Adam(1e-3)
    loss_function = keras.losses.SparseCategoricalCrossentropy()
    rng = np.random.default_rng(0)
    images = tf.constant(rng.random((batch_size, 28, 28, 1), dtype=np.float32))
    labels = tf.constant(rng.integers(0, 10, batch_size))

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_function(labels, model(images, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss

    steps = TIMED_EXAMPLES // batch_size
    for _ in range(3):
        train_step()
    start = time.perf_counter()
    for _ in range(steps):
        loss = train_step()
    float(loss)
    return steps * batch_size / (time.perf_counter() - start)


def main() -> None:
    from kerasmap.console import quiet_tensorflow

    quiet_tensorflow()
    rates = {size: [] for size in BATCH_SIZES}
    for _ in range(3):
        for size in BATCH_SIZES:
            rates[size].append(examples_per_second(size))
    print("| batch | examples/s, best of 3 |")
    print("| ---: | ---: |")
    for size in BATCH_SIZES:
        print(f"| {size} | {max(rates[size]):,.0f} |")


if __name__ == "__main__":
    main()
