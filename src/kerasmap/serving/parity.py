"""Whether an exported model predicts what the Keras model it came from predicts.

Each format runs in the runtime it is for: a SavedModel in TensorFlow, ONNX in onnxruntime,
a `.tflite` file in LiteRT's interpreter.
"""

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kerasmap.errors import KerasmapError
from kerasmap.serving.export import exported_input_names, layer_traits

if TYPE_CHECKING:
    import keras

# float32 keeps about 7 significant digits: a converter that reorders or fuses operations
# moves outputs by 1e-8 to 1e-6 (measured on every family), while a real fault (dropout left
# on, preprocessing lost) moves probabilities by 1e-2 or more. Half precision keeps 3 or 4
# digits: a bfloat16 model moved by 3e-4 through a SavedModel alone.
DEFAULT_TOLERANCE = 1e-4
HALF_PRECISION_TOLERANCE = 1e-2
HALF_PRECISIONS = ("float16", "bfloat16")


class ExportParityError(KerasmapError):
    """The exported model predicts differently from the Keras model it was exported from."""


def default_tolerance(model: "keras.Model") -> float:
    """The parity tolerance for the precision the model computes in."""
    half = layer_traits(model) & set(HALF_PRECISIONS)
    return HALF_PRECISION_TOLERANCE if half else DEFAULT_TOLERANCE


def check_parity(
    model: "keras.Model", path: Path, export_format: str, inputs, tolerance: float
) -> float:
    """Runs the Keras model and its export on `inputs` and compares their outputs.

    Returns:
        The largest difference: absolute for outputs within [-1, 1] (probabilities),
        relative to the output beyond (a regression's values, in the target's units).

    Raises:
        ExportParityError: If it exceeds `tolerance` (or an output is not a number).
    """
    import tensorflow as tf

    # On the CPU, as onnxruntime and LiteRT run here: a recent GPU multiplies float32
    # matrices in TensorFloat-32 by default, 10 bits of mantissa, which would count as drift.
    as_exported = inputs
    # ONNX and LiteRT take inputs by the names the export gives them; a SavedModel's `serve`
    # takes the model's own structure.
    if isinstance(inputs, dict) and export_format != "saved_model":
        names = exported_input_names(model)
        as_exported = {names[name]: value for name, value in inputs.items()}
    with tf.device("/CPU:0"):
        expected = np.asarray(model(inputs, training=False), dtype=np.float64)
        received = np.asarray(run_exported(path, export_format, as_exported), dtype=np.float64)
    gaps = np.abs(received.reshape(expected.shape) - expected) / np.maximum(1.0, np.abs(expected))
    largest = float(np.max(gaps))
    if not largest <= tolerance:  # NaN fails too
        raise ExportParityError(
            f"The {export_format} export predicts differently from the Keras model: largest "
            f"difference {largest:.1e} > tolerance {tolerance:.1e} on {len(expected)} examples."
        )
    return largest


def run_exported(path: Path, export_format: str, inputs) -> np.ndarray:
    """The exported model's outputs on `inputs` (what the Keras model takes), run by the
    runtime its format is for: TensorFlow, onnxruntime or LiteRT's interpreter."""
    import tensorflow as tf

    if export_format == "saved_model":
        loaded = tf.saved_model.load(str(path))  # named: `serve` fails once it is collected
        return np.asarray(loaded.serve(inputs))
    if export_format == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        names = [given.name for given in session.get_inputs()]
        return session.run(None, _by_name(names, inputs))[0]
    with warnings.catch_warnings():
        # TensorFlow warns that its interpreter moves to the `ai-edge-litert` package.
        warnings.filterwarnings("ignore", message=r"\s*Warning: tf.lite.Interpreter is deprecated")
        interpreter = tf.lite.Interpreter(model_path=str(path))
    runner = interpreter.get_signature_runner()
    (output,) = runner(**_by_name(list(runner.get_input_details()), inputs)).values()
    return output


def _by_name(names: list[str], inputs) -> dict[str, np.ndarray]:
    """The model's inputs as arrays, by the exported model's input names."""
    if isinstance(inputs, dict):
        return {name: np.asarray(inputs[name]) for name in names}
    (name,) = names
    return {name: np.asarray(inputs)}
