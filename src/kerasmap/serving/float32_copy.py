"""A mixed-precision model as the same model computing in float32, for runtimes without halves.

Under a mixed policy Keras keeps every weight in float32 and only computes in float16 or
bfloat16, so the float32 model is the same architecture with the same weights: ONNX Runtime
(which cannot multiply bfloat16 matrices) and LiteRT (where half-precision casts need the
Flex delegate) take it, and it predicts what the trained model does, to half precision.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

HALF_PRECISION_POLICIES = ("mixed_float16", "mixed_bfloat16")


def computes_in_half_precision(model: "keras.Model") -> bool:
    """Whether any layer of `model` (nested ones too) computes in float16 or bfloat16."""
    return _has_half_policy(model.get_config())


def float32_copy(model: "keras.Model") -> "keras.Model":
    """`model` rebuilt with every layer's policy float32 and its weights copied over."""
    import keras

    config = _float32_policies(keras.saving.serialize_keras_object(model))
    copy = keras.saving.deserialize_keras_object(config)
    copy.set_weights(model.get_weights())
    return copy


def _float32_policies(config):
    """`config` with every mixed dtype policy replaced by float32, recursively."""
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy" and _is_half(config):
            return {**config, "config": {**config["config"], "name": "float32"}}
        return {key: _float32_policies(value) for key, value in config.items()}
    if isinstance(config, list):
        return [_float32_policies(value) for value in config]
    return config


def _has_half_policy(config) -> bool:
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy" and _is_half(config):
            return True
        return any(_has_half_policy(value) for value in config.values())
    if isinstance(config, list):
        return any(_has_half_policy(value) for value in config)
    return False


def _is_half(policy: dict) -> bool:
    return policy.get("config", {}).get("name") in HALF_PRECISION_POLICIES
