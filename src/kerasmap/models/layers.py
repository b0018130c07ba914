"""The one custom layer the models need: a learned position embedding."""

import keras
from keras import layers

from kerasmap.models.validation import check_positive_int


@keras.saving.register_keras_serializable(package="kerasmap")
class PositionEmbedding(layers.Layer):
    """Adds a learned vector for each position to a sequence of vectors.

    Self-attention does not see order; adding a trainable vector per position lets an
    encoder tell the first row, patch or token from the last one.

    Args:
        sequence_length: Number of positions; inputs must have exactly this many steps.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Input shape:
        `(batch_size, sequence_length, feature_dim)`.

    Output shape:
        Same as the input.

    Raises:
        ConfigError: If `sequence_length` is not a positive integer.
    """

    def __init__(self, sequence_length, **kwargs):
        super().__init__(**kwargs)
        self.sequence_length = check_positive_int("sequence_length", sequence_length)
        # Adding positions keeps padding where it was, so a padding mask passes through.
        self.supports_masking = True

    def build(self, input_shape):
        if input_shape[-2] != self.sequence_length:
            raise ValueError(
                f"PositionEmbedding(sequence_length={self.sequence_length}) received inputs "
                f"with {input_shape[-2]} steps. Received: input_shape={input_shape}"
            )
        self.position_embeddings = self.add_weight(
            name="position_embeddings",
            shape=(self.sequence_length, input_shape[-1]),
            initializer="glorot_uniform",
        )

    def call(self, inputs):
        # Under mixed precision the float32 weights are read in the compute dtype.
        return inputs + self.position_embeddings

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["sequence_length"] = self.sequence_length
        return config
