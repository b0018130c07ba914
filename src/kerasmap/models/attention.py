"""A transformer encoder over image rows, image patches or token sequences."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.layers import PositionEmbedding
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import (
    check_positive_int,
    check_rate,
    check_sequence_input,
    invalid_argument,
)


def build_attention(
    input_shape,
    num_classes,
    task="multiclass",
    num_layers=2,
    num_heads=4,
    embed_dim=64,
    ff_dim=128,
    patch_size=None,
    dropout=0.1,
    vocab_size=None,
    l1=0.0,
    l2=0.0,
):
    """Builds a transformer encoder that classifies the average of its outputs.

    An image becomes a sequence of its rows, or of non-overlapping square patches when
    `patch_size` is set, each projected to `embed_dim`; token ids are embedded. A learned
    position embedding is added, then `num_layers` encoder blocks run, each
    self-attention and a feed-forward network, both with a residual connection and
    layer normalization.

    Args:
        input_shape: `(height, width, channels)` for images, `(maxlen,)` for tokens.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
            Defaults to `"multiclass"`.
        num_layers: Number of encoder blocks. Defaults to `2`.
        num_heads: Number of attention heads; must divide `embed_dim`. Defaults to `4`.
        embed_dim: Width of each token throughout the encoder. Defaults to `64`.
        ff_dim: Hidden width of the feed-forward networks. Defaults to `128`.
        patch_size: Side of the square image patches, which must divide height and
            width; `None` makes each image row a token. Defaults to `None`.
        dropout: Dropout rate after attention, feed-forward and pooling.
            Defaults to `0.1`.
        vocab_size: Number of distinct token ids; required for token input and
            `None` for images. Defaults to `None`.
        l1: L1 penalty on the dense and attention kernels. Defaults to `0.0`.
        l2: L2 penalty on the dense and attention kernels. Defaults to `0.0`.

    Returns:
        An uncompiled functional `keras.Model` named `"attention"`.

    Raises:
        ConfigError: If the input is neither an image nor tokens with a `vocab_size`,
            `num_heads` does not divide `embed_dim`, `patch_size` does not divide the
            image, or another argument is out of range.
    """
    modality = check_sequence_input(input_shape, vocab_size)
    input_shape = tuple(input_shape)
    num_layers = check_positive_int("num_layers", num_layers)
    num_heads = check_positive_int("num_heads", num_heads)
    embed_dim = check_positive_int("embed_dim", embed_dim)
    if embed_dim % num_heads:
        expected = f"a multiple of num_heads={num_heads}"
        raise invalid_argument("embed_dim", expected, embed_dim)
    ff_dim = check_positive_int("ff_dim", ff_dim)
    _check_patch_size(patch_size, input_shape, modality)
    dropout = check_rate("dropout", dropout)
    regularizer = kernel_regularizer(l1, l2)
    head = output_layer(task, num_classes)

    inputs = keras.Input(shape=input_shape, dtype="int32" if modality == "tokens" else None)
    x = _embed(inputs, modality, embed_dim, patch_size, vocab_size, regularizer)
    x = PositionEmbedding(x.shape[1])(x)
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
    patch_size = check_positive_int("patch_size", patch_size)
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
