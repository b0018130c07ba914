"""Milliseconds per training step of the classic CNN as built, with a separate ReLU layer
after each convolution, and with batch normalization.

    python benchmarks/cnn_layers.py --repeats 5
    python benchmarks/cnn_layers.py --policy mixed_bfloat16

kerasmap's CNN gives a convolution without batch normalization its activation itself; this
compares that with the same network written with separate `ReLU` layers (as kerasmap built it
before), and shows what `model.batch_norm=true` costs. How the steps are timed (one step per
call): `benchmarks/step_time.py`.
"""

import argparse

from step_time import print_step_times, step_milliseconds

SETTINGS = ["as built", "separate ReLU", "batch norm"]


def separate_relu_cnn(policy: str):
    """The classic CNN (conv 32-64, dense 128, dropout 0.25) with `ReLU` layers of their own."""
    import keras
    from keras import layers

    from kerasmap.training.precision import precision_policy

    with precision_policy(policy):
        inputs = keras.Input(shape=(28, 28, 1))
        x = inputs
        for filters in (32, 64):
            x = layers.ReLU()(layers.Conv2D(filters, 3, padding="same")(x))
            x = layers.Dropout(0.25)(layers.MaxPooling2D(2)(x))
        x = layers.Dense(128, activation="relu")(layers.Flatten()(x))
        outputs = layers.Dense(10, activation="softmax", dtype="float32")(layers.Dropout(0.25)(x))
        return keras.Model(inputs, outputs)


def measure(setting: str, policy: str, images, labels) -> float:
    if setting == "separate ReLU":
        return step_milliseconds("cnn", images, labels, model=separate_relu_cnn(policy))
    overrides = ("model.batch_norm=true",) if setting == "batch norm" else ()
    return step_milliseconds("cnn", images, labels, policy=policy, model_overrides=overrides)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="float32", choices=["float32", "mixed_bfloat16"])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    print_step_times(
        ["cnn"],
        SETTINGS,
        SETTINGS,
        arguments.repeats,
        lambda _, setting, images, labels: measure(setting, arguments.policy, images, labels),
    )


if __name__ == "__main__":
    main()
