"""Seconds per epoch of the MLP on Fashion-MNIST-sized arrays, fed by three input pipelines.

    python benchmarks/input_pipeline.py --repeats 3

The MLP is the family whose steps are cheapest, so the one an input pipeline slows first.
The pipelines give the same batches in a seeded order that depends only on the epoch, as
resume needs (`kerasmap.data.pipeline`):

- `per example` is kerasmap's: `from_tensor_slices`, cast, cache, then each epoch
  `shuffle` and `batch`, one example at a time, with tf.data's autotuning off;
- `autotuned` is the same with tf.data's autotuning on (kerasmap's before);
- `batch first` shuffles the indices each epoch with a stateless seed, batches them and
  gathers whole batches from the cast arrays;
- `1 thread` is kerasmap's with tf.data's private thread pool set to one thread, leaving
  the other core to the model.

Each timed `fit` is one epoch, from a new iterator to its deletion, as a run's `fit` is.
Epochs are interleaved and repeated; the table shows medians and each pipeline's speed
relative to kerasmap's.
"""

import argparse
import time

import numpy as np

EXAMPLES, BATCH, SEED = 54_000, 64, 42
PIPELINES = ["per example", "autotuned", "batch first", "1 thread"]


def per_example(images, labels, *, autotune: bool = False, threads: int | None = None):
    import tensorflow as tf

    cached = tf.data.Dataset.from_tensor_slices((images, labels))
    cached = cached.map(lambda x, y: (tf.cast(x, tf.float32), y)).cache()

    def one_epoch(epoch):
        return cached.shuffle(EXAMPLES, seed=SEED * 1_000_003 + epoch).batch(BATCH)

    stream = tf.data.Dataset.counter().flat_map(one_epoch).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.autotune.enabled = autotune
    if threads:
        options.threading.private_threadpool_size = threads
    return stream.with_options(options)


def batch_first(images, labels):
    import tensorflow as tf

    inputs, targets = tf.constant(images, tf.float32), tf.constant(labels)

    def one_epoch(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(EXAMPLES, dtype=tf.int64), seed=tf.stack([tf.constant(SEED, tf.int64), epoch])
        )
        batches = tf.data.Dataset.from_tensor_slices(order).batch(BATCH)
        return batches.map(lambda index: (tf.gather(inputs, index), tf.gather(targets, index)))

    stream = tf.data.Dataset.counter().flat_map(one_epoch).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.autotune.enabled = False
    return stream.with_options(options)


def mlp():
    import keras

    from kerasmap.config import load_settings
    from kerasmap.config.compose import compose_config
    from kerasmap.models import build_model

    options = load_settings(compose_config(["model=mlp"])).model.builder_options()
    model = build_model("mlp", input_shape=(28, 28), num_classes=10, task="multiclass", **options)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=4,
    )
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    from kerasmap.console import quiet_tensorflow

    quiet_tensorflow()
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (EXAMPLES, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, EXAMPLES).astype(np.int32)
    streams = {
        "per example": per_example(images, labels),
        "autotuned": per_example(images, labels, autotune=True),
        "batch first": batch_first(images, labels),
        "1 thread": per_example(images, labels, threads=1),
    }
    steps = EXAMPLES // BATCH
    fitted = {name: (mlp(), stream) for name, stream in streams.items()}
    for model, stream in fitted.values():
        model.fit(stream, steps_per_epoch=steps, epochs=1, verbose=0)  # warm-up
    seconds = {name: [] for name in PIPELINES}
    for _ in range(arguments.repeats):
        for name, (model, stream) in fitted.items():
            start = time.perf_counter()
            model.fit(stream, steps_per_epoch=steps, epochs=1, verbose=0)
            seconds[name].append(time.perf_counter() - start)
    base = np.median(seconds[PIPELINES[0]])
    print(f"| Model | {' | '.join(PIPELINES)} |")
    print("| --- |" + " ---: |" * len(PIPELINES))
    cells = [
        f"{np.median(seconds[name]):.2f} s ({base / np.median(seconds[name]):.2f}x)"
        for name in PIPELINES
    ]
    print(f"| mlp, {EXAMPLES:,} examples, batch {BATCH} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
