"""A stacked recurrent network over image rows or token sequences."""

import keras
from keras import layers

from kerasmap.models.head import output_layer
from kerasmap.models.regularizers import kernel_regularizer
from kerasmap.models.validation import check_sequence_input

RECURRENT_LAYERS = {"lstm": layers.LSTM, "gru": layers.GRU, "rnn": layers.SimpleRNN}
# Image rows up to this many are read by an unrolled loop (benchmarks/backends.py): a step
# of TensorFlow's loop costs more than the step's own arithmetic on a CPU, most of all when
# the cores are busy.
MAX_UNROLLED_ROWS = 32


def build_lstm(
    input_shape,
    num_classes,
    *,
    task,
    units,
    cell,
    bidirectional,
    dropout,
    embedding_dim,
    l1,
    l2,
    vocab_size=None,
):
    """Builds stacked recurrent layers that read a sequence, then the head.

    An image is read row by row: each of its `height` rows, all `width * channels`
    values of it, is one time step. Token ids are embedded first, with id 0 taken as
    padding and masked out of the recurrence. The defaults of every option are in
    `conf/model/lstm.yaml`. An image of at most `MAX_UNROLLED_ROWS` rows is read by an
    unrolled loop, one copy of the cell per row; token sequences, longer and of varying
    length, keep a loop over time.

    Args:
        input_shape: `(height, width, channels)` for images, `(maxlen,)` for tokens.
        num_classes: Number of classes (ignored for `"binary"` and `"regression"`).
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        units: Width of each recurrent layer, first to last.
        cell: One of `"lstm"`, `"gru"`, `"rnn"` (a `SimpleRNN`).
        bidirectional: Whether each layer also reads the sequence backwards.
        dropout: Dropout rate after each recurrent layer.
        embedding_dim: Width of the token embedding (token input only).
        l1: L1 penalty on the recurrent layers' input kernels.
        l2: L2 penalty on the recurrent layers' input kernels.
        vocab_size: Number of distinct token ids; required for token input and
            `None` for images. Defaults to `None`.

    Returns:
        An uncompiled functional `keras.Model` named `"lstm"`.

    Raises:
        ConfigError: If the input is neither an image nor tokens with a `vocab_size`.
    """
    modality = check_sequence_input(input_shape, vocab_size)
    recurrent_layer = RECURRENT_LAYERS[cell]
    regularizer = kernel_regularizer(l1, l2)
    head = output_layer(task, num_classes)
    unroll = modality == "image" and input_shape[0] <= MAX_UNROLLED_ROWS

    if modality == "image":
        inputs = keras.Input(shape=input_shape)
        height, width, channels = input_shape
        x = layers.Reshape((height, width * channels))(inputs)
    else:
        inputs = keras.Input(shape=input_shape, dtype="int32")
        x = layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    for depth, layer_units in enumerate(units, start=1):
        # Every layer but the last hands the whole sequence on to the next one.
        recurrent = recurrent_layer(
            layer_units,
            return_sequences=depth < len(units),
            kernel_regularizer=regularizer,
            unroll=unroll,
        )
        if bidirectional:
            recurrent = layers.Bidirectional(recurrent)
        x = recurrent(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, head(x), name="lstm")
