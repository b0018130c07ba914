"""Evaluate a model logged by `pipelines/train.py` on its dataset's test split.

    python pipelines/evaluate.py <run id>                      # the data the run trained on
    python pipelines/evaluate.py <run id> data.path=/data/fashion-mnist

The run's own overrides are replayed through the current configs, then any given here
are applied on top (to point at another copy of the data, or another store).
"""

import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from kerasmap.config import load_settings
from kerasmap.config.preflight import explain
from kerasmap.errors import KerasmapError

CONFIG_DIR = str(Path(__file__).resolve().parents[1] / "conf")


def evaluate_run(run_id: str, overrides: list[str]) -> dict[str, float]:
    """Loads the model of `run_id` and returns its metrics on the test split."""
    import mlflow

    import kerasmap.models  # noqa: F401  (registers kerasmap's custom layers for loading)
    from kerasmap import stages
    from kerasmap.tracking.rerun_comparison import load_recorded_run

    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        tracking_uri = compose("config", overrides=overrides).tracking.uri
        mlflow.set_tracking_uri(tracking_uri)
        recorded = load_recorded_run(run_id).overrides
        cfg = compose("config", overrides=recorded + overrides)
    settings = load_settings(cfg)
    bundle = stages.prepare(settings)
    # safe_mode: a model file that would run arbitrary Python (a Lambda layer) is refused.
    model = mlflow.keras.load_model(f"runs:/{run_id}/model", load_model_kwargs={"safe_mode": True})
    return stages.evaluate(model, bundle).metrics


def main(argv: list[str]) -> int:
    """Command-line entry point: prints the test metrics, one per line."""
    if not argv or "=" in argv[0]:
        print("Usage: python pipelines/evaluate.py <run id> [key=value ...]", file=sys.stderr)
        return 2
    try:
        metrics = evaluate_run(argv[0], argv[1:])
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except (HydraException, OmegaConfBaseException) as error:
        print(f"Error: {explain(error, argv[1:])}", file=sys.stderr)
        return 2
    for name, value in metrics.items():
        print(f"{name:<20} {value:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
