"""A transformer encoder over image rows, image patches or token sequences."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import check_sequence_input, invalid_argument


def build_attention(
    input_shape,
    num_classes,
    *,
    task,
    num_layers,
    num_heads,
    embed_dim,
    ff_dim,
    patch_size,
    dropout,
    l1,
    l2,
    vocab_size=None,
):
    """Builds a transformer encoder that classifies the average of its outputs.

    An image becomes a sequence of its rows, or of non-overlapping square patches when
    `patch_size` is set, each projected to `embed_dim`; token ids are embedded. A learned
    vector per position is added, then `num_layers` encoder blocks run, each
    self-attention and a feed-forward network, both with a residual connection and
    layer normalization. The defaults of every option are in `conf/model/attention.yaml`.

    Every layer is a built-in Keras layer, so a saved model loads anywhere Keras does.

    Args:
        input_shape: `(height, width, channels)` for images, `(maxlen,)` for tokens.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        num_layers: Number of encoder blocks.
        num_heads: Number of attention heads; must divide `embed_dim`.
        embed_dim: Width of each token throughout the encoder.
        ff_dim: Hidden width of the feed-forward networks.
        patch_size: Side of the square image patches, which must divide height and
            width; `None` makes each image row a token.
        dropout: Dropout rate after attention, feed-forward and pooling.
        l1: L1 penalty on the dense and attention kernels.
        l2: L2 penalty on the dense and attention kernels.
        vocab_size: Number of distinct token ids; required for token input and
            `None` for images. Defaults to `None`.

    Returns:
        An uncompiled functional `keras.Model` named `"attention"`.

    Raises:
        ConfigError: If the input is neither an image nor tokens with a `vocab_size`,
            or `patch_size` does not divide the image.
    """
    modality = check_sequence_input(input_shape, vocab_size)
    _check_patch_size(patch_size, tuple(input_shape), modality)
    regularizer = kernel_regularizer(l1, l2)
    head = output_layer(task, num_classes)

    inputs = keras.Input(shape=input_shape, dtype="int32" if modality == "tokens" else None)
    x = _embed(inputs, modality, embed_dim, patch_size, vocab_size, regularizer)
    x = _add_positions(x)
    for _ in range(num_layers):
        x = _encoder_block(x, num_heads, embed_dim, ff_dim, dropout, regularizer)
    x = layers.GlobalAveragePooling1D()(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, head(x), name="attention")


def _check_patch_size(patch_size, input_shape, modality):
    if patch_size is None:
        return
    if modality != "image":
        raise invalid_argument("patch_size", "None for token input", patch_size)
    height, width, _ = input_shape
    if height % patch_size or width % patch_size:
        expected = f"a divisor of both image sides {height} and {width}"
        raise invalid_argument("patch_size", expected, patch_size)


def _embed(inputs, modality, embed_dim, patch_size, vocab_size, regularizer):
    """Turns the input into a `(batch, sequence_length, embed_dim)` sequence."""
    if modality == "tokens":
        return layers.Embedding(vocab_size, embed_dim)(inputs)
    height, width, channels = inputs.shape[1:]
    if patch_size is None:
        x = layers.Reshape((height, width * channels))(inputs)
        return layers.Dense(embed_dim, kernel_regularizer=regularizer)(x)
    x = layers.Conv2D(embed_dim, patch_size, strides=patch_size, kernel_regularizer=regularizer)(
        inputs
    )
    num_patches = (height // patch_size) * (width // patch_size)
    return layers.Reshape((num_patches, embed_dim))(x)


def _add_positions(x):
    """Adds a learned vector per position, so attention can tell the first step from the last.

    `EinsumDense` with a bias over (position, feature) is that learned table, built in to
    Keras; its kernel is a per-feature scale that starts at one.
    """
    return layers.EinsumDense(
        "abc,c->abc",
        output_shape=tuple(x.shape[1:]),
        bias_axes="bc",
        kernel_initializer="ones",
        bias_initializer="glorot_uniform",
        name="positions",
    )(x)


def _encoder_block(x, num_heads, embed_dim, ff_dim, dropout, regularizer):
    """One post-norm transformer encoder block, as in keras-io's text transformer."""
    attended = layers.MultiHeadAttention(
        num_heads, key_dim=embed_dim // num_heads, kernel_regularizer=regularizer
    )(x, x)
    if dropout:
        attended = layers.Dropout(dropout)(attended)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attended]))
    fed = layers.Dense(ff_dim, activation="relu", kernel_regularizer=regularizer)(x)
    fed = layers.Dense(embed_dim, kernel_regularizer=regularizer)(fed)
    if dropout:
        fed = layers.Dropout(dropout)(fed)
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, fed]))
