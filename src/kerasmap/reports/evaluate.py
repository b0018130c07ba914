"""Evaluate a logged model again on its dataset's test split."""

from kerasmap.cli import run_id_command
from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config


def evaluate_run(run_id: str, overrides: list[str]) -> dict[str, float]:
    """Loads the model of `run_id` and returns its metrics on the test split.

    The run's own overrides are replayed through the current configs, then `overrides`
    apply on top (to point at another copy of the data, or another store).

    Raises:
        ConfigError: If the run id is unknown or an override is invalid.
    """
    import mlflow

    from kerasmap.console import quiet_tensorflow
    from kerasmap.reports.recorded_run import load_recorded_run

    mlflow.set_tracking_uri(compose_config(overrides).tracking.uri)
    recorded = load_recorded_run(run_id).overrides
    settings = load_settings(compose_config(recorded + overrides))
    quiet_tensorflow()
    from kerasmap import stages
    from kerasmap.recording.logged_model import MODEL_NAME, load_logged_model

    bundle = stages.prepare(settings)
    model = load_logged_model(f"runs:/{run_id}/{MODEL_NAME}")
    return stages.evaluate(model, bundle).metrics


def print_evaluation(run_id: str, overrides: list[str]) -> int:
    """`make evaluate`: prints the test metrics, one per line."""
    for name, value in evaluate_run(run_id, overrides).items():
        print(f"{name:<20} {value:.4f}")
    return 0


main = run_id_command("python pipelines/evaluate.py <run id> [key=value ...]", print_evaluation)
