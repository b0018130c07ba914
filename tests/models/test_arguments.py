"""What only a builder can check (the input shape, task and class count) is a `ConfigError`.

Ranges of the options themselves are checked once, by the config schemas (tests/test_config.py).
"""

import pytest

from kerasmap.config.registry import families_for
from kerasmap.errors import ConfigError

IMAGE = (28, 28, 1)
TOKENS = (20,)
SEQUENCE_FAMILIES = ["lstm", "attention"]

BAD_ARGUMENTS = [
    ("mlp", IMAGE, {"activation": "rellu"}, r"`activation`, expected the name of a Keras"),
    (
        "cnn",
        (784,),
        {},
        r"`input_shape`, expected an image shape \(height, width, channels\) for the cnn "
        r"model. Received: input_shape=\(784,\)",
    ),
    (
        "cnn",
        IMAGE,
        {"filters": [8] * 5},
        r"`filters`, expected at most 4 conv blocks for a 28x28 image. Received: filters=\[8, ",
    ),
    ("cnn", (4, 4, 1), {"filters": [8] * 3}, r"expected at most 2 conv blocks for a 4x4 image"),
    *[
        case
        for family in SEQUENCE_FAMILIES
        for case in [
            (family, TOKENS, {"vocab_size": None}, r"`vocab_size`, expected a positive integer"),
            (family, IMAGE, {"vocab_size": 50}, r"`vocab_size`, expected None for image input"),
            (family, (28, 28), {}, r"`input_shape`, expected \(height, width, channels\) for"),
        ]
    ],
    ("attention", IMAGE, {"patch_size": 5}, r"`patch_size`, expected a divisor of both"),
    ("attention", (28, 32, 1), {"patch_size": 8}, r"image sides 28 and 32. Received: patch_size=8"),
    ("attention", TOKENS, {"patch_size": 4}, r"`patch_size`, expected None for token input"),
    (
        "pretrained",
        IMAGE,
        {},
        r"`input_shape`, expected images of at least 32x32 pixels for the "
        r"mobilenet_v3_small_minimalistic backbone \(an image folder's `data.image_size` reads "
        r"them larger\). Received: input_shape=\(28, 28, 1\)",
    ),
    ("pretrained", (32, 32, 4), {}, r"`input_shape`, expected .* of 1 or 3 channels"),
    ("pretrained", (32, 32, 3), {"backbone": "resnet9"}, r"`backbone`, expected one of \["),
]


@pytest.mark.parametrize(("family", "input_shape", "options", "message"), BAD_ARGUMENTS)
def test_bad_argument_is_a_config_error(build_tiny, family, input_shape, options, message):
    with pytest.raises(ConfigError, match=message):
        build_tiny(family, input_shape, **options)


@pytest.mark.parametrize("family", families_for("image"))
@pytest.mark.parametrize(
    ("task", "num_classes", "message"),
    [
        ("ranking", 10, r"`task`, expected one of \['binary', 'multiclass', 'regression'\]"),
        ("multiclass", 1, r"`num_classes`, expected an integer >= 2 .* Received: num_classes=1"),
    ],
)
def test_every_builder_checks_the_task_and_class_count(
    build_tiny, family, task, num_classes, message
):
    with pytest.raises(ConfigError, match=message):
        build_tiny(family, IMAGE, task=task, num_classes=num_classes)


def test_config_error_names_the_argument_and_what_was_received(build_tiny):
    message = (
        "Received an invalid value for argument `patch_size`, expected a divisor of both "
        "image sides 28 and 28. Received: patch_size=5"
    )
    with pytest.raises(ConfigError) as error:
        build_tiny("attention", IMAGE, patch_size=5)

    assert str(error.value) == message
