"""Evaluate a logged model again on its dataset's test split."""

from kerasmap.cli import run_id_command
from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.reports.model_reference import ModelReference


def use_store_of(overrides: list[str]) -> None:
    """Points MLflow at the tracking store the overrides choose (the default one otherwise)."""
    import mlflow

    mlflow.set_tracking_uri(compose_config(overrides).tracking.uri)


def prepare_data_of(run_id: str, overrides: list[str]):
    """The `DatasetBundle` that `run_id` trained on, prepared again.

    The run's own overrides are replayed through the current configs, then `overrides`
    apply on top (to point at another copy of the data).

    Raises:
        ConfigError: If the run id is unknown or an override is invalid.
    """
    from kerasmap.console import quiet_tensorflow
    from kerasmap.reports.recorded_run import load_recorded_run

    recorded = load_recorded_run(run_id).overrides
    settings = load_settings(compose_config(recorded + overrides))
    quiet_tensorflow()
    from kerasmap import stages

    return stages.prepare(settings)


def evaluate_model(reference: ModelReference, bundle) -> dict[str, float]:
    """The test metrics of the referenced model on `bundle`'s test split."""
    from kerasmap import stages
    from kerasmap.recording.logged_model import load_logged_model

    return stages.evaluate(load_logged_model(reference.model_uri), bundle).metrics


def evaluate_run(reference: str, overrides: list[str]) -> dict[str, float]:
    """Loads a logged model and returns its metrics on the test split its run trained on.

    Args:
        reference: A run id, or `models:/<name>@<alias>` / `models:/<name>/<version>`.
        overrides: Config overrides: the store (`tracking.uri`), or another copy of the data.

    Raises:
        ConfigError: If the reference is unknown or an override is invalid.
    """
    from kerasmap.reports.model_reference import resolve_model

    use_store_of(overrides)
    model = resolve_model(reference)
    return evaluate_model(model, prepare_data_of(model.run_id, overrides))


def print_evaluation(reference: str, overrides: list[str]) -> int:
    """`make evaluate`: prints the test metrics, one per line."""
    for name, value in evaluate_run(reference, overrides).items():
        print(f"{name:<20} {value:.4f}")
    return 0


main = run_id_command(
    "python pipelines/evaluate.py <run id or models:/name@alias> [key=value ...]",
    print_evaluation,
)
