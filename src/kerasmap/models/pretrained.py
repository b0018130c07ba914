"""Transfer learning: a Keras application backbone with a new head, after the keras-io guides
"Transfer learning & fine-tuning" and "Image classification via fine-tuning with EfficientNet".
"""

import keras
from keras import layers

from kerasmap.models.backbones import BACKBONES, MIN_IMAGE_SIDE
from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import check_choice, invalid_argument


def build_pretrained(input_shape, num_classes, *, task, backbone, weights, dropout, l1, l2):
    """Builds a frozen backbone, then global average pooling, dropout and the head.

    The model takes images scaled to [0, 1], as the pipeline's preprocessing gives them; a
    grayscale image is repeated into three channels, and every pixel is scaled back to
    [0, 255], which the backbone scales as it was trained to (its own first layers). The
    backbone starts frozen and is always called in inference mode (`training=False`), so its
    BatchNormalization layers keep their ImageNet statistics when it is fine-tuned
    (`kerasmap.training.fine_tuning`). The defaults of every option are in
    `conf/model/pretrained.yaml`.

    Args:
        input_shape: Shape of one image, `(height, width, channels)`, with 1 or 3 channels
            and sides of at least 32 pixels.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        backbone: A key of `kerasmap.models.backbones.BACKBONES`, e.g. `"mobilenet_v3_small"`.
        weights: Path of the backbone's weights file (without the classifier), or `None`
            for random weights.
        dropout: Dropout rate before the head.
        l1: L1 penalty on the head's kernel.
        l2: L2 penalty on the head's kernel.

    Returns:
        An uncompiled functional `keras.Model` named `"pretrained"`, holding the backbone as
        a model of its own.

    Raises:
        ConfigError: If the backbone is unknown, the input is not an image of 1 or 3
            channels and sides of at least 32 pixels, or the weights file does not fit.
    """
    head = output_layer(task, num_classes, kernel_regularizer(l1, l2))
    check_choice("backbone", backbone, BACKBONES)
    _check_image(input_shape, backbone)
    inputs = keras.Input(shape=input_shape)
    x = inputs
    if input_shape[-1] == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    x = layers.Rescaling(255.0, name="to_pixel_values")(x)
    base = _backbone(backbone, (*input_shape[:2], 3), weights)
    base.trainable = False
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, head(x), name="pretrained")


def backbone_of(model: keras.Model) -> keras.Model:
    """The backbone of a model `build_pretrained` built, also inside a model that wraps it."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            return backbone_of(layer) if layer.name == "pretrained" else layer
    raise ValueError(f"The model {model.name!r} holds no backbone.")


def _check_image(input_shape, backbone):
    if len(input_shape) != 3 or input_shape[-1] not in (1, 3):
        expected = "an image shape (height, width, channels) of 1 or 3 channels"
        raise invalid_argument("input_shape", expected, tuple(input_shape))
    if min(input_shape[:2]) < MIN_IMAGE_SIDE:
        expected = (
            f"images of at least {MIN_IMAGE_SIDE}x{MIN_IMAGE_SIDE} pixels for the {backbone} "
            f"backbone (an image folder's `data.image_size` reads them larger)"
        )
        raise invalid_argument("input_shape", expected, tuple(input_shape))


def _backbone(name: str, input_shape: tuple, weights: str | None) -> keras.Model:
    """The application without its classifier, with the weights of the file `weights`.

    The file is loaded once the backbone is built, so that only a file that does not fit it
    (another backbone's, or not a weights file) is reported as one.
    """
    spec = BACKBONES[name]
    application = getattr(keras.applications, spec.application)
    model = application(input_shape=input_shape, include_top=False, weights=None, **spec.options)
    if weights is not None:
        try:
            model.load_weights(weights)
        except (OSError, ValueError):
            expected = f"a weights file of the {name} backbone, such as {spec.file_name}"
            raise invalid_argument("weights", expected, str(weights)) from None
    return model
