"""Bad builder arguments are one-sentence `ConfigError`s raised before any layer is built."""

import pytest

from kerasmap.errors import ConfigError
from kerasmap.models import BUILDERS

IMAGE = (28, 28, 1)

BAD_ARGUMENTS = [
    ("mlp", IMAGE, {"dropout": 1.5}, r"`dropout`, expected a float in \[0, 1\)"),
    ("mlp", IMAGE, {"hidden_units": ()}, r"`hidden_units`, .* Received: hidden_units=\(\)"),
    ("mlp", IMAGE, {"hidden_units": (128, 0)}, r"Received: hidden_units=\(128, 0\)"),
    ("mlp", IMAGE, {"hidden_units": 128}, r"sequence of positive integers"),
    ("mlp", IMAGE, {"activation": "rellu"}, r"`activation`, expected the name of a Keras"),
    ("mlp", IMAGE, {"l1": -1.0}, r"`l1`, expected a float >= 0. Received: l1=-1.0"),
    ("mlp", IMAGE, {"task": "ranking"}, r"`task`, expected one of .* task='ranking'"),
    ("cnn", (784,), {}, r"cnn model needs image input .* input_shape=\(784,\)"),
    ("cnn", IMAGE, {"filters": (8,) * 5}, r"`filters`, expected at most 4 conv blocks"),
    ("cnn", IMAGE, {"kernel_size": 0}, r"`kernel_size`, expected a positive integer"),
    ("cnn", IMAGE, {"dense_units": 2.5}, r"Received: dense_units=2.5"),
    ("lstm", IMAGE, {"cell": "lstm2"}, r"`cell`, expected one of \['gru', 'lstm', 'rnn'\]"),
    ("lstm", IMAGE, {"units": (8, -8)}, r"`units`, expected a non-empty sequence"),
    ("lstm", (20,), {}, r"`vocab_size`, expected a positive integer for token input"),
    ("lstm", (20,), {"vocab_size": 0}, r"Received: vocab_size=0"),
    ("lstm", IMAGE, {"vocab_size": 50}, r"`vocab_size`, expected None for image input"),
    ("lstm", (28, 28), {}, r"`input_shape`, expected \(height, width, channels\) for images"),
    ("attention", IMAGE, {"embed_dim": 10}, r"`embed_dim`, expected a multiple of num_heads=4"),
    ("attention", IMAGE, {"patch_size": 5}, r"`patch_size`, expected a divisor of both"),
    ("attention", (20,), {"vocab_size": 50, "patch_size": 4}, r"None for token input"),
    ("attention", IMAGE, {"dropout": 1.0}, r"Received: dropout=1.0"),
    ("attention", IMAGE, {"num_layers": 0}, r"`num_layers`, expected a positive integer"),
]


@pytest.mark.parametrize(("family", "input_shape", "options", "message"), BAD_ARGUMENTS)
def test_bad_argument_is_a_config_error(family, input_shape, options, message):
    with pytest.raises(ConfigError, match=message):
        BUILDERS[family](input_shape, 10, **options)


def test_config_error_names_the_argument_and_what_was_received():
    message = (
        "Received an invalid value for argument `dropout`, expected a float in [0, 1). "
        "Received: dropout=1.5"
    )
    with pytest.raises(ConfigError) as error:
        BUILDERS["mlp"](IMAGE, 10, dropout=1.5)

    assert str(error.value) == message
