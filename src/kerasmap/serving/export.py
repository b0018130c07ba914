"""A Keras model in a format other runtimes read: Keras's own `model.export`, and its limits.

`saved_model` is read by TensorFlow and TensorFlow Serving, `onnx` by onnxruntime, `tflite` by
LiteRT (TensorFlow Lite) on phones and small devices. Keras's `model.export` writes each,
except an ONNX file of a model with `Normalization` layers (see `_export_frozen_onnx`).
`kerasmap.serving.parity` then checks that the export predicts what the model predicts.

Not every model fits every format. `LIMITS` says what each cannot hold and why; it was found
by exporting every model family and input kind with Keras 3.15, TensorFlow 2.21, tf2onnx 1.17
and onnxruntime 1.32 and running the results, and `check_exportable` refuses those models
before anything is written.
"""

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from kerasmap.errors import ConfigError

if TYPE_CHECKING:  # TensorFlow loads when a model is exported, after the options are checked
    import keras

KERAS_FORMATS = {"saved_model": "tf_saved_model", "onnx": "onnx", "tflite": "litert"}
FORMATS = tuple(KERAS_FORMATS)
FLEX = "which need TensorFlow's Flex delegate that LiteRT's interpreter lacks"


# What each format cannot hold and why: a layer class (or a base class). A mixed-precision
# model is exported as its float32 copy (`kerasmap.serving.float32_copy`), which all hold.
LIMITS = {
    "saved_model": {},
    "onnx": {
        "TextVectorization": "ONNX has no operators to split strings (texts, text columns)",
        "StringLookup": "tf2onnx cannot convert their lookup tables (string_category columns)",
        "IntegerLookup": "ONNX lookup tables map strings, not integers (integer_category columns)",
    },
    "tflite": {
        "TextVectorization": f"string operations (texts, text columns) are TensorFlow ops, {FLEX}",
        "IntegerLookup": f"integer lookups (integer_category columns) are TensorFlow ops, {FLEX}",
        "RNN": f"their loops are made of TensorFlow ops, {FLEX}",
        "MultiHeadAttention": "the converted attention fails to run in LiteRT",
    },
}


def check_format(value: str | None) -> str:
    """Returns `value` if it names an export format.

    Raises:
        ConfigError: If it does not.
    """
    if value not in FORMATS:
        raise ConfigError(
            f"Received an invalid value for `FORMAT`, expected one of {', '.join(FORMATS)}. "
            f"Received: FORMAT={value or ''}"
        )
    return value


def check_exportable(model: "keras.Model", export_format: str) -> None:
    """Refuses a model that `export_format` cannot hold, before anything is exported.

    Raises:
        ConfigError: Naming the format, what it cannot hold and why, and the formats that can.
    """
    blocking = _limits_met(model, export_format)
    if blocking:
        fits = [name for name in FORMATS if not _limits_met(model, name)]
        raise ConfigError(
            f"Received an invalid value for `FORMAT`, expected {' or '.join(fits)} for this "
            f"{model.name} model: its {blocking[0]} layers cannot go to {export_format}, as "
            f"{LIMITS[export_format][blocking[0]]}. Received: FORMAT={export_format}"
        )


def _limits_met(model: "keras.Model", export_format: str) -> list[str]:
    traits = layer_traits(model)
    return [trait for trait in LIMITS[export_format] if trait in traits]


def layer_traits(model: "keras.Model") -> set[str]:
    """The names of the classes of the model's layers (base classes too) and their dtypes."""
    traits = set()
    for layer in _all_layers(model):
        traits |= {kind.__name__ for kind in type(layer).__mro__}
        traits.add(layer.dtype_policy.compute_dtype)
    return traits


def _all_layers(model: "keras.Model") -> list["keras.Layer"]:
    """Every layer of the model, with those of nested models and of `Bidirectional` ones."""
    import keras

    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found += _all_layers(layer)
        if isinstance(layer, keras.layers.Bidirectional):
            found += [layer.forward_layer, layer.backward_layer]
    return found


def export_model(model: "keras.Model", export_format: str, folder: Path) -> Path:
    """Writes the model in `export_format` into the empty `folder`.

    Returns:
        What was written: `folder` itself for a SavedModel, else the file in it.
    """
    path = folder if export_format == "saved_model" else folder / f"model.{export_format}"
    normalizes = "Normalization" in layer_traits(model)
    with warnings.catch_warnings():
        # Keras's numpy 2 fix of tf2onnx asks numpy for `np.object`, which numpy warns about.
        warnings.filterwarnings("ignore", message="In the future `np.object`")
        if export_format == "onnx" and normalizes:
            _export_frozen_onnx(model, path)
        else:
            _export_with_keras(model, export_format, path)
    return path


def _export_with_keras(model: "keras.Model", export_format: str, path: Path) -> None:
    """Keras's own `model.export`, of a model that calls this one with `training=False`.

    Keras 3.15 exports `model.__call__` without `training`, and a `Resizing` layer, whose
    `call` defaults to `training=True`, hands that on to the layers after it: an image
    folder model came out with its dropout on.
    """
    import keras

    names = exported_input_names(model)
    inputs = _specs(
        model, lambda tensor: keras.Input(batch_shape=tensor.shape, **_named(tensor, names))
    )
    with warnings.catch_warnings():
        # The inputs are keyed by the table's column names and named as exports allow.
        warnings.filterwarnings("ignore", message="When providing `inputs` as a dict")
        inference = keras.Model(inputs, model(inputs, training=False), name=model.name)
    signature = [
        _specs(model, lambda tensor: keras.InputSpec(shape=tensor.shape, **_named(tensor, names)))
    ]
    inference.export(
        str(path), format=KERAS_FORMATS[export_format], input_signature=signature, verbose=False
    )


def _export_frozen_onnx(model: "keras.Model", path: Path) -> None:
    """ONNX written by tf2onnx from the model's frozen graph.

    Keras's ONNX export gives tf2onnx each tensor the traced model captures as one more graph
    input; a `Normalization` layer captures its mean and variance, and the ONNX model then
    demands them as inputs (kerasmap scales features, table columns and regression targets
    with these layers). Freezing the graph first makes them constants.
    """
    import tensorflow as tf
    import tf2onnx
    from keras import tree
    from keras.src.export.tf2onnx_lib import patch_tf2onnx
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    patch_tf2onnx()  # what Keras's own export does first: tf2onnx 1.17 predates numpy 2
    names = exported_input_names(model)
    specs = _specs(model, lambda tensor: tf.TensorSpec(tensor.shape, **_named(tensor, names)))
    traced = tf.function(lambda inputs: model(inputs, training=False))
    frozen = convert_variables_to_constants_v2(traced.get_concrete_function(specs))
    input_names = [tensor.name for tensor in frozen.inputs]
    tf2onnx.convert.from_graph_def(
        frozen.graph.as_graph_def(),
        input_names=input_names,
        output_names=[tensor.name for tensor in frozen.outputs],
        # Inputs named after the model's own, "mean radius" rather than "Placeholder_3:0"
        # (TensorFlow renames what is not a valid op name); both lists follow the flattened
        # structure of the model's inputs.
        tensors_to_rename={
            name: spec.name for name, spec in zip(input_names, tree.flatten(specs), strict=True)
        },
        output_path=str(path),
    )


def _specs(model: "keras.Model", make):
    """`make(tensor)` for each of the model's inputs, in the structure the model takes."""
    from keras import tree

    return tree.map_structure(make, model.input)


def exported_input_names(model: "keras.Model") -> dict[str, str]:
    """Each input's name in an export: its own, with what TensorFlow refuses in a name
    (spaces, most punctuation) replaced by `_`, so "mean radius" is "mean_radius"."""
    from keras import tree

    names: dict[str, str] = {}
    for tensor in tree.flatten(model.input):
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", tensor.name)
        name = name if re.match(r"[A-Za-z0-9.]", name) else f"input{name}"
        while name in names.values():  # "a b" and "a_b" both: keep them apart
            name += "_"
        names[tensor.name] = name
    return names


def _named(tensor, names: dict[str, str]) -> dict:
    return {"dtype": tensor.dtype, "name": names[tensor.name]}
