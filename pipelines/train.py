"""Train one model, tracked in MLflow: prepare data -> build -> fit -> evaluate.

python pipelines/train.py                                   # MLP on Fashion-MNIST
python pipelines/train.py model=cnn data=cifar10 trainer.epochs=3
python pipelines/train.py experiment=mnist_cnn
"""

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from kerasmap.config import load_settings
from kerasmap.config.preflight import check_overrides
from kerasmap.errors import KerasmapError

CONFIG_DIR = Path(__file__).resolve().parents[1] / "conf"


def train(cfg: DictConfig, overrides: list[str] | None = None) -> float:
    """Runs the four stages in one MLflow run and returns the best `trainer.monitor` value.

    Args:
        cfg: The composed config.
        overrides: The command-line overrides, recorded with the run. Defaults to
            the ones Hydra received.

    Returns:
        The best value of the monitored validation metric (for sweepers).
    """
    settings = load_settings(cfg)  # Bad values fail here, before TensorFlow is imported.
    from kerasmap import stages
    from kerasmap.tracking import run_record
    from kerasmap.tracking.epoch_logger import EpochLogger
    from kerasmap.tracking.lifecycle import tracked_run
    from kerasmap.tracking.store import open_experiment
    from kerasmap.training.precision import resolve_precision

    bundle = stages.prepare(settings)
    tracking = settings.tracking
    experiment_id = open_experiment(tracking.uri, tracking.experiment, tracking.artifact_root)
    precision = resolve_precision(settings.trainer.precision)
    run_name = tracking.run_name or f"{settings.model.name}-{settings.data.name}"
    tags = run_record.run_tags(bundle, precision)
    with tracked_run(experiment_id, run_name=run_name, tags=tags):
        run_record.log_config(
            OmegaConf.to_container(cfg, resolve=True),
            OmegaConf.to_yaml(cfg, resolve=True),
            overrides if overrides is not None else _hydra_overrides(),
        )
        model = stages.build(settings, bundle, precision)
        run_record.log_model_summary(model)
        history = stages.fit(model, bundle, settings, callbacks=[EpochLogger(bundle.num_train)])
        evaluation = stages.evaluate(model, bundle)
        best = run_record.log_results(history, evaluation, bundle, settings.trainer.monitor)
        if tracking.log_model:
            run_record.log_keras_model(model, bundle.input_example)
    return best


def _hydra_overrides() -> list[str]:
    from hydra.core.hydra_config import HydraConfig

    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> float:
    """Command-line entry point: a user mistake prints one sentence and exits with status 2."""
    try:
        return train(cfg)
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    try:
        check_overrides(str(CONFIG_DIR), "config", sys.argv[1:])
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    main()
