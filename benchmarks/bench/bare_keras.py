"""Fashion-MNIST as a practitioner's bare Keras 3 script would train it: numpy in, `fit`.

python benchmarks/bench/bare_keras.py --family cnn --epochs 3 --data <folder>

The architectures are kerasmap's defaults (conf/model/*.yaml) written the way keras-io writes
them; the split is kerasmap's. A callback times each epoch the way kerasmap's EpochLogger does.
"""

import time

import keras
from keras import layers

from fashion_data import load_splits
from script_arguments import parse_script_arguments, print_result


def make_model(family: str) -> keras.Model:
    """kerasmap's default model of `family` for 28x28x1 images and 10 classes."""
    inputs = keras.Input(shape=(28, 28, 1))
    if family == "mlp":
        x = layers.Dense(128, activation="relu")(layers.Flatten()(inputs))
    elif family == "cnn":
        x = inputs
        for filters in (32, 64):
            x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
            x = layers.Dropout(0.25)(layers.MaxPooling2D(2)(x))
        x = layers.Dense(128, activation="relu")(layers.Flatten()(x))
        x = layers.Dropout(0.25)(x)
    elif family == "lstm":
        x = layers.LSTM(128)(layers.Reshape((28, 28))(inputs))
    else:
        x = layers.Dense(64)(layers.Reshape((28, 28))(inputs))
        # kerasmap's learned positions: a bias per (row, feature), a scale starting at one.
        x = layers.EinsumDense(
            "abc,c->abc",
            output_shape=(28, 64),
            bias_axes="bc",
            kernel_initializer="ones",
            bias_initializer="glorot_uniform",
        )(x)
        for _ in range(2):
            x = encoder_block(x)
        x = layers.Dropout(0.1)(layers.GlobalAveragePooling1D()(x))
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


def encoder_block(x):
    """Post-norm transformer block: 4-head attention over 64 wide tokens, feed-forward 128."""
    attended = layers.Dropout(0.1)(layers.MultiHeadAttention(4, key_dim=16)(x, x))
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attended]))
    fed = layers.Dense(64)(layers.Dense(128, activation="relu")(x))
    fed = layers.Dropout(0.1)(fed)
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, fed]))


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's start, length and training throughput (validation left out)."""

    def __init__(self, num_train: int):
        super().__init__()
        self.num_train = num_train
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._clock, self._train_seconds = time.time(), time.perf_counter(), None

    def on_test_begin(self, logs=None):
        if self._train_seconds is None:
            self._train_seconds = time.perf_counter() - self._clock

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._clock
        self.epochs.append(
            {
                "start": self._start,
                "seconds": seconds,
                "samples_per_second": self.num_train / (self._train_seconds or seconds),
                "val_accuracy": float(logs["val_accuracy"]),
            }
        )


def main() -> None:
    arguments = parse_script_arguments(__doc__.splitlines()[0])
    keras.utils.set_random_seed(arguments.seed)
    data = load_splits(arguments.data, arguments.limit, seed=arguments.seed)
    model = make_model(arguments.family)
    model.compile(
        optimizer=keras.optimizers.Adam(arguments.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    timer = EpochTimer(len(data["y_train"]))
    model.fit(
        data["x_train"],
        data["y_train"],
        batch_size=arguments.batch_size,
        epochs=arguments.epochs,
        validation_data=(data["x_val"], data["y_val"]),
        callbacks=[timer],
        verbose=2,
    )
    _, test_accuracy = model.evaluate(data["x_test"], data["y_test"], verbose=0)
    print_result(timer.epochs, float(test_accuracy), len(data["y_train"]))


if __name__ == "__main__":
    main()
