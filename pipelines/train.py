"""Train one model, tracked in MLflow: prepare data -> build -> fit -> evaluate.

python pipelines/train.py                                   # MLP on Fashion-MNIST
python pipelines/train.py model=cnn data=cifar10 trainer.epochs=3
python pipelines/train.py experiment=mnist_cnn
"""

import logging
import signal
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from kerasmap.config import load_settings
from kerasmap.config.preflight import check_overrides
from kerasmap.errors import KerasmapError, TrainingDivergedError

CONFIG_DIR = Path(__file__).resolve().parents[1] / "conf"
log = logging.getLogger(__name__)
DIVERGED_WEIGHTS_ARTIFACT = "diverged/best_weights.weights.h5"


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
    from kerasmap.tracking.lifecycle import tracked_run
    from kerasmap.tracking.reachability import usable_tracking_uri
    from kerasmap.tracking.resume import ResumePoint, find_resume_point, remember_run
    from kerasmap.tracking.store import open_experiment
    from kerasmap.tracking.sweep_job import current_sweep_job
    from kerasmap.training.precision import resolve_precision

    tracking = settings.tracking
    tracking_uri = usable_tracking_uri(tracking.uri, tracking.required)
    bundle = stages.prepare(settings)
    experiment_id = open_experiment(tracking_uri, tracking.experiment, tracking.artifact_root)
    precision = resolve_precision(settings.trainer.precision)
    config = OmegaConf.to_container(cfg, resolve=True)
    resume = (
        find_resume_point(settings.trainer.backup_dir, config)
        if settings.trainer.resume
        else ResumePoint(folder=None, run_id=None)
    )
    job = current_sweep_job()
    tags = run_record.run_tags(bundle, precision) | (job.tags() if job else {})
    with tracked_run(
        experiment_id,
        run_name=tracking.run_name or run_name_for(cfg),
        tags=tags,
        parent_run_id=job.parent_id if job else None,
        run_id=resume.run_id,
    ) as run:
        if resume.run_id is None:
            run_record.log_config(
                config, overrides if overrides is not None else _hydra_overrides()
            )
        if resume.folder is not None:
            remember_run(resume.folder, run.info.run_id)
        return _fit_and_record(settings, bundle, precision, backup_dir=resume.folder)


def _fit_and_record(settings, bundle, precision: str, backup_dir) -> float:
    """Stages 2 to 4 inside the active run; returns the best `trainer.monitor` value."""
    from kerasmap import stages
    from kerasmap.tracking import run_record
    from kerasmap.tracking.epoch_logger import EpochLogger

    model = stages.build(settings, bundle, precision)
    run_record.log_model_summary(model)
    try:
        history = stages.fit(
            model,
            bundle,
            settings,
            callbacks=[EpochLogger(bundle.num_train)],
            backup_dir=backup_dir,
        )
    except TrainingDivergedError:
        run_record.log_weights_if_finite(model, DIVERGED_WEIGHTS_ARTIFACT)
        raise
    evaluation = stages.evaluate(model, bundle)
    best = run_record.log_results(history, evaluation, bundle, settings.trainer.monitor)
    if settings.tracking.log_model:
        run_record.log_keras_model(model, bundle.input_example)
    return best


def interrupt(signum, frame) -> None:
    """Turns a termination signal into `KeyboardInterrupt`, so the run ends KILLED."""
    raise KeyboardInterrupt(f"Stopped by signal {signum}.")


def run_name_for(cfg: DictConfig) -> str:
    """A readable default run name, e.g. `cnn-cifar10`."""
    return f"{cfg.model.name}-{cfg.data.name}"


def _hydra_overrides() -> list[str]:
    from hydra.core.hydra_config import HydraConfig

    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> float:
    """Command-line entry point.

    A single run that hits a user mistake prints one sentence and exits with status 2.
    A sweep job that fails for any reason is recorded as a FAILED run nested in its
    sweep and returns NaN, so the sweep goes on to the next job.
    """
    from kerasmap.tracking.sweep_job import current_sweep_job

    job = current_sweep_job()
    try:
        return train(cfg)
    except KerasmapError as error:
        if job is None:
            print(f"Error: {error}", file=sys.stderr)
            raise SystemExit(2) from None
        reason = str(error)
    except Exception as error:
        if job is None:
            raise
        log.exception("Sweep job %d failed", job.number)
        reason = f"{type(error).__name__}: {error}"
    log.error("Sweep job %d failed: %s", job.number, reason)
    job.record_failure(run_name_for(cfg), reason)
    return float("nan")


if __name__ == "__main__":
    try:
        check_overrides(str(CONFIG_DIR), "config", sys.argv[1:])
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from kerasmap.tracking.sweep_callback import close_open_sweeps

    signal.signal(signal.SIGTERM, interrupt)  # `kill` ends a run like Ctrl-C: KILLED
    try:
        main()
    except KeyboardInterrupt:
        close_open_sweeps(status="KILLED")
        raise SystemExit(130) from None
    finally:
        # A sweep that stopped before its end (say, a bad sweeper option) ends FAILED.
        close_open_sweeps(status="FAILED")
