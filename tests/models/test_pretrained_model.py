"""The pretrained family's model: a frozen backbone, called in inference mode, under a new
head; fine-tuning unfreezes the backbone but for its BatchNormalization layers."""

import numpy as np
import pytest
from keras import layers

from kerasmap.errors import ConfigError
from kerasmap.models.pretrained import backbone_of
from kerasmap.training.fine_tuning import unfreeze_backbone


def test_a_grayscale_image_goes_through_the_frozen_backbone_to_a_float32_head(
    build_tiny, mixed_bfloat16
):
    model = build_tiny("pretrained", input_shape=(32, 32, 1), num_classes=3)

    assert model.get_layer("gray_to_rgb").output.shape == (None, 32, 32, 3)
    assert sorted(weight.path for weight in model.trainable_weights) == [
        "head/bias",
        "head/kernel",
    ]
    assert backbone_of(model).compute_dtype == "bfloat16"
    assert model.get_layer("head").compute_dtype == "float32"
    assert model.outputs[0].dtype == "float32"


def test_fine_tuning_trains_the_backbone_with_batch_normalization_in_inference_mode(build_tiny):
    model = build_tiny("pretrained", input_shape=(32, 32, 3), dropout=0.0)
    backbone = backbone_of(model)

    unfreeze_backbone(model)

    trainable = {id(weight) for weight in model.trainable_weights}
    normalizations = [
        layer for layer in backbone.layers if isinstance(layer, layers.BatchNormalization)
    ]
    convolutions = [layer for layer in backbone.layers if isinstance(layer, layers.Conv2D)]
    assert normalizations and convolutions
    assert not any(id(weight) in trainable for layer in normalizations for weight in layer.weights)
    assert all(id(layer.kernel) in trainable for layer in convolutions)
    images = np.random.default_rng(0).random((4, 32, 32, 3), dtype="float32")
    np.testing.assert_allclose(model(images, training=True), model(images, training=False))


def test_a_file_that_holds_no_weights_of_the_backbone_is_a_config_error(build_tiny, tmp_path):
    weights = tmp_path / "weights.h5"
    weights.write_bytes(b"an interrupted download")

    with pytest.raises(
        ConfigError,
        match=r"`weights`, expected a weights file of the "
        r"mobilenet_v3_small_minimalistic backbone, such as weights_mobilenet_v3_small_"
        r"minimalistic_224_1.0_float_no_top_v2.h5. Received: weights='/",
    ):
        build_tiny("pretrained", input_shape=(32, 32, 3), weights=str(weights))
