"""`make predict`: a logged model's predictions on a file, a folder or its test split, as CSV.

The options (`input=`, `output=`, `batch_size=`, `log=`) are plain keys; any other
`key=value` is a config override, such as `tracking.uri=...` for another store.
"""

from pathlib import Path

from kerasmap.cli import run_id_command, split_options
from kerasmap.config.checks import require
from kerasmap.errors import ConfigError

OPTIONS = {"input": None, "output": None, "batch_size": "256", "log": "false"}
OUTPUT_FOLDER = Path("outputs/predictions")
BOOLEANS = {"true": True, "false": False}


def predict(reference: str, arguments: list[str]) -> int:
    """Writes the predictions, prints a summary and, with `log=true`, records them in MLflow."""
    from kerasmap.console import quiet_tensorflow
    from kerasmap.reports.evaluate import prepare_data_of, use_store_of
    from kerasmap.reports.model_reference import resolve_model
    from kerasmap.serving.prediction import predict_to_csv

    options, overrides = split_options(arguments, OPTIONS)
    source, batch_size, log = _checked(options)
    use_store_of(overrides)
    model = resolve_model(reference)
    output = Path(options["output"] or default_output(source, model.run_id))
    quiet_tensorflow()
    result = predict_to_csv(
        model,
        source,
        output,
        batch_size=batch_size,
        test_split=lambda: prepare_data_of(model.run_id, overrides),
    )
    print(f"Wrote {result.rows} predictions of {model.model_uri} to {result.output}")
    for name, value in result.metrics.items():
        print(f"{name:<20} {value:.4f}")
    if log:
        from kerasmap.recording.prediction_run import log_prediction

        run = log_prediction(model, source, result)
        print(f"Recorded the prediction as MLflow run {run}")
    return 0


def default_output(source: str, run_id: str) -> Path:
    """`outputs/predictions/<input name>-<run id's first 8 characters>.csv`."""
    name = Path(source.rstrip("/")).stem or "input"
    return OUTPUT_FOLDER / f"{name}-{run_id[:8]}.csv"


def _checked(options: dict) -> tuple[str, int, bool]:
    """`(input, batch_size, log)` from the options, each checked."""
    source = options["input"]
    if not source:
        raise ConfigError(
            "Received no value for `INPUT`, expected a file or folder to predict, or `test` "
            "for the test split the run trained on. Received: INPUT="
        )
    batch_size = options["batch_size"]
    require(
        batch_size.isdigit() and int(batch_size) >= 1,
        "batch_size",
        batch_size,
        "a whole number of examples >= 1",
    )
    log = options["log"].lower()
    require(log in BOOLEANS, "log", options["log"], "true or false")
    output = options["output"]
    require(
        output is None or not Path(output).is_dir(),
        "OUTPUT",
        output,
        "a CSV file to write, not a folder",
    )
    return source, int(batch_size), BOOLEANS[log]


main = run_id_command(
    "python pipelines/predict.py <run id or models:/name@alias> input=<path or test> "
    "[output=<file.csv>] [batch_size=256] [log=true] [key=value ...]",
    predict,
)
