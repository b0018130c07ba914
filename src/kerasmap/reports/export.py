"""Export a logged model for another runtime, checked on the run's input example, into the run."""

import contextlib
import json
import tempfile
from pathlib import Path

from kerasmap.cli import run_id_command, split_options
from kerasmap.errors import ConfigError
from kerasmap.reports.evaluate import use_store_of
from kerasmap.reports.model_reference import require_raw_input_model, resolve_model
from kerasmap.serving.pyfunc_model import INFO_FILE

ARTIFACT_FOLDER = "export"  # the run's `export/<format>/`


def export_run(reference: str, arguments: list[str]) -> int:
    """`make export`: exports the referenced model, checks its parity, logs it into its run.

    The run's `export/<format>/` receives the exported model and `model_info.json` (its
    input kind, task and class names), but only if the exported model's outputs on the run's
    input example match the Keras model's within the tolerance.

    Args:
        reference: A run id, or `models:/<name>@<alias>` / `models:/<name>/<version>`.
        arguments: `format=saved_model|onnx|tflite`, optionally `tolerance=<number>`, and
            config overrides (`tracking.uri=...` for another store).

    Raises:
        ConfigError: If the format or tolerance is invalid, the reference unknown, or the
            format cannot hold this model.
        ExportParityError: If the exported model predicts differently.
    """
    import mlflow

    from kerasmap.console import quiet_tensorflow
    from kerasmap.serving import export, parity
    from kerasmap.serving.float32_copy import computes_in_half_precision, float32_copy

    options, overrides = split_options(arguments, {"format": None, "tolerance": None})
    export_format = export.check_format(options["format"])
    tolerance = _tolerance(options["tolerance"])
    use_store_of(overrides)
    model = resolve_model(reference)
    require_raw_input_model(model)
    quiet_tensorflow()  # before the model loads TensorFlow
    logged = mlflow.pyfunc.load_model(model.model_uri)
    served = logged.unwrap_python_model()
    # A mixed-precision model goes out as its float32 copy, which every runtime can run; the
    # parity check holds that copy's export to the trained model, at half precision.
    half = computes_in_half_precision(served.model)
    exported = float32_copy(served.model) if half else served.model
    export.check_exportable(exported, export_format)
    if tolerance is None:
        tolerance = parity.default_tolerance(served.model)
    inputs = served.keras_inputs(logged.input_example)
    destination = f"{ARTIFACT_FOLDER}/{export_format}"
    with tempfile.TemporaryDirectory() as folder:
        written = export.export_model(exported, export_format, Path(folder))
        largest = _parity(served.model, written, export_format, inputs, tolerance)
        # What the outputs mean (class names, task) and what the inputs are travel with them.
        (Path(folder) / INFO_FILE).write_text(json.dumps(served.info, indent=2))
        mlflow.MlflowClient().log_artifacts(model.run_id, folder, destination)
        files = {
            path.relative_to(folder).as_posix(): path.stat().st_size
            for path in sorted(Path(folder).rglob("*"))
            if path.is_file()
        }
    print(f"Exported {model.model_uri} to {export_format}" + (", as float32." if half else "."))
    print(
        f"  Parity: largest difference {largest:.1e} <= tolerance {tolerance:.1e} "
        f"on {len(logged.input_example)} examples."
    )
    where = f"{mlflow.get_run(model.run_id).info.artifact_uri}/{destination}"
    print(f"  Logged into run {model.run_id}, at {where}:")
    for name, size in files.items():
        print(f"    {destination}/{name}  ({size:,} bytes)")
    return 0


def _parity(model, written: Path, export_format: str, inputs, tolerance: float) -> float:
    """`check_parity`, with LiteRT's interpreter's announcement (from C++) hidden."""
    from kerasmap.console import native_stderr_hidden, verbose
    from kerasmap.serving.parity import check_parity

    with contextlib.nullcontext() if verbose() else native_stderr_hidden():
        return check_parity(model, written, export_format, inputs, tolerance)


def _tolerance(given: str | None) -> float | None:
    """The `tolerance=` option as a number; `None` when not given (the model's default).

    Raises:
        ConfigError: If it is not a number >= 0.
    """
    if given is None:
        return None
    try:
        value = float(given)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ConfigError(
            "Received an invalid value for `tolerance`, expected a number >= 0 (the largest "
            f"difference allowed between the outputs). Received: tolerance={given}"
        )
    return value


main = run_id_command(
    "python pipelines/export.py <run id or models:/name@alias> "
    "format=saved_model|onnx|tflite [tolerance=1e-4] [key=value ...]",
    export_run,
)
