"""A prediction recorded as an MLflow run of its own, beside the run that trained the model."""

from pathlib import Path

import mlflow

from kerasmap.data.fingerprint import fingerprint_files

PREDICTION_OF_TAG = "kerasmap.prediction_of"  # the run id whose model predicted
PREDICTIONS_ARTIFACT = "predictions"  # the folder of the CSV in the prediction run


def log_prediction(reference, source: str, result) -> str:
    """Records what was predicted, by which model, and how well, in the model's experiment.

    Args:
        reference: The `ModelReference` that predicted.
        source: The input as the user named it (a path, or `test`).
        result: The `PredictionResult`: the CSV, the row count and any metrics.

    Returns:
        The prediction run's id. Its params name the model and the input, with the
        input's sha256 fingerprint (of the files read, in order; none for a test split);
        its metrics are those of the prediction; the CSV is an artifact.
    """
    trained = mlflow.MlflowClient().get_run(reference.run_id)
    files = result.files
    with mlflow.start_run(
        experiment_id=trained.info.experiment_id,
        run_name=f"predict-{Path(source.rstrip('/')).stem or source}",
        tags={PREDICTION_OF_TAG: reference.run_id},
    ) as run:
        mlflow.log_params(
            {
                "model_uri": reference.model_uri,
                "input": source,
                "input_files": len(files),
                "input_fingerprint": fingerprint_files(files) if files else "",
                "rows": result.rows,
            }
        )
        mlflow.log_metrics(result.metrics)
        mlflow.log_artifact(str(result.output), PREDICTIONS_ARTIFACT)
    return run.info.run_id
