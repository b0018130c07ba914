"""One tracked training run: prepare data -> build -> fit -> evaluate, in one MLflow run.

`train(cfg)` is what `pipelines/train.py`, `make rerun` and the tests call; `run_job(cfg)`
is the Hydra task, which also records a failed sweep job and lets the sweep go on. With
`trainer.folds` or `trainer.repeats` above 1, `train` hands over to
`kerasmap.cross_validation`, which places one run per fold or seed under a parent.
"""

import contextlib
import logging
from dataclasses import dataclass, field

from omegaconf import DictConfig, OmegaConf

from kerasmap.config import KerasmapConfig, load_settings
from kerasmap.config.model import PretrainedConfig
from kerasmap.errors import KerasmapError, TrainingDivergedError
from kerasmap.models.backbones import require_weights_file

log = logging.getLogger(__name__)
DIVERGED_WEIGHTS_ARTIFACT = "diverged/best_weights.weights.h5"


@dataclass(frozen=True)
class Placement:
    """Where a run goes in MLflow, and what keeps its backup apart from its siblings'.

    Args:
        name: The run's name.
        parent_id: The run to nest it under, or `None`.
        tags: Tags besides the ones every run gets.
        part: E.g. `{"fold": 2, "repeat": 0}` for a fold of a cross-validation.
    """

    name: str
    parent_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    part: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    """What a finished run reports: where it is, its best monitored value, its test metrics."""

    run_id: str
    experiment_id: str
    tracking_uri: str
    best: float
    metrics: dict[str, float]


def train(cfg: DictConfig, overrides: list[str] | None = None) -> float:
    """Trains as configured, tracked in MLflow, and returns the best `trainer.monitor` value.

    Args:
        cfg: The composed config.
        overrides: The command-line overrides, recorded with the run. Defaults to
            the ones Hydra received.

    Returns:
        The best value of the monitored validation metric (its mean over folds and
        repeats), for sweepers.

    Raises:
        KerasmapError: For a mistake the user can fix (a bad value, an unreadable file,
            a tracking server that does not answer) or a diverging loss.
    """
    settings = load_settings(cfg)  # Bad values fail here, before TensorFlow is imported.
    if isinstance(settings.model, PretrainedConfig):  # and a missing weights file, as early
        require_weights_file(settings.model.backbone, settings.model.weights)
    from kerasmap.console import print_run_summary, quiet_tensorflow
    from kerasmap.recording.ui_links import run_url
    from kerasmap.sweeps import current_sweep_job

    quiet_tensorflow()
    from kerasmap.training.distribution import split_cpu_from_environment  # imports TensorFlow

    split_cpu_from_environment()  # before anything uses a device
    overrides = overrides if overrides is not None else _hydra_overrides()
    if settings.trainer.folds > 1 or settings.trainer.repeats > 1:
        from kerasmap.cross_validation import cross_validate

        result = cross_validate(cfg, settings, overrides)
    else:
        job = current_sweep_job()
        name = settings.tracking.run_name or run_name_for(cfg)
        placement = Placement(
            job.run_name(name) if job else name,
            parent_id=job.parent_id if job else None,
            tags=job.tags() if job else {},
        )
        result = train_run(cfg, settings, overrides, placement)
    url = run_url(result.tracking_uri, result.experiment_id, result.run_id)
    print_run_summary(result.run_id, result.metrics, url)
    return result.best


def train_run(
    cfg: DictConfig,
    settings: KerasmapConfig,
    overrides: list[str],
    placement: Placement,
    fold: tuple[int, int] | None = None,
) -> RunResult:
    """Runs the four stages in one MLflow run, placed as told; a killed one resumes.

    Args:
        cfg: The composed config, recorded with the run.
        settings: The validated settings to train with.
        overrides: The command-line overrides, recorded with the run.
        placement: The run's name, parent and tags.
        fold: `(k, K)`: validate on fold k of K. Defaults to `None`.
    """
    from kerasmap import stages
    from kerasmap.recording import run_record
    from kerasmap.recording.lifecycle import tracked_run
    from kerasmap.recording.reachability import usable_tracking_uri
    from kerasmap.recording.resume import (
        ResumePoint,
        claimed_resume_point,
        kept_for_restart,
        remember_run,
    )
    from kerasmap.recording.store import open_experiment
    from kerasmap.training.distribution import make_strategy
    from kerasmap.training.precision import resolve_precision

    tracking = settings.tracking
    tracking_uri = usable_tracking_uri(tracking.uri, tracking.required)
    bundle = stages.prepare(settings, fold)
    precision = resolve_precision(settings.trainer.precision, settings.model.name)
    strategy = make_strategy(settings.trainer.distribution, bundle, bundle.batch_size)
    # Built before any run opens: a model that cannot take this data leaves no run behind.
    model = stages.build(settings, bundle, precision, strategy)
    experiment_id = open_experiment(tracking_uri, tracking.experiment, tracking.artifact_root)
    config = OmegaConf.to_container(cfg, resolve=True)
    claim = (
        claimed_resume_point(settings.trainer.backup_dir, config | placement.part)
        if settings.trainer.resume
        else contextlib.nullcontext(ResumePoint(folder=None, run_id=None))
    )
    with (
        claim as resume,
        kept_for_restart(resume.folder),
        tracked_run(
            experiment_id,
            run_name=placement.name,
            tags=run_record.run_tags(bundle, precision) | placement.tags,
            parent_run_id=placement.parent_id,
            run_id=resume.run_id,
        ) as run,
    ):
        if resume.folder is not None:  # first, so a kill from now on continues this run
            remember_run(resume.folder, run.info.run_id)
        if resume.run_id is None:
            run_record.log_config(config, overrides)
            run_record.log_data_description(bundle)
            run_record.log_distribution(strategy, bundle.batch_size)
        best, metrics = _fit_and_record(model, settings, bundle, backup_dir=resume.folder)
    return RunResult(run.info.run_id, experiment_id, tracking_uri, best, metrics)


def _fit_and_record(model, settings, bundle, backup_dir):
    """Stages 3 and 4 inside the active run; returns the best monitored value and test metrics."""
    from kerasmap import stages
    from kerasmap.recording import run_record
    from kerasmap.recording.epoch_logger import EpochLogger
    from kerasmap.recording.logged_model import model_saved_meanwhile
    from kerasmap.recording.registry import register_logged_model
    from kerasmap.recording.results import log_results

    run_record.log_model_summary(model)
    run_record.log_compilation(model)
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
    model = stages.for_inference(model, bundle)
    if not settings.tracking.log_model:
        evaluation = stages.evaluate(model, bundle)
        best = log_results(history, evaluation, bundle, settings.trainer.monitor)
        return best, evaluation.metrics
    # The model is saved and checked while the test split is evaluated; it is logged after
    # the test metrics, which MLflow links to it.
    with model_saved_meanwhile(model, bundle) as log_model:
        evaluation = stages.evaluate(model, bundle)
        best = log_results(history, evaluation, bundle, settings.trainer.monitor)
        model_id = log_model()
    if settings.tracking.register:
        register_logged_model(model_id, settings.tracking.register)
    return best, evaluation.metrics


def run_job(cfg: DictConfig) -> float:
    """The Hydra task: one run, or one job of a sweep.

    A single run raises a user mistake (`KerasmapError`) for the entry point to report.
    A sweep job that fails for any reason is recorded as a FAILED run nested in its sweep
    and returns NaN, so the sweep goes on to the next job; but a tracking server that stopped
    answering, or refused the login, stops the sweep, since no later job could be recorded.
    """
    from kerasmap.data.keras_cache import loads_kept
    from kerasmap.recording.reachability import TrackingUnavailableError
    from kerasmap.sweeps import current_sweep_job

    job = current_sweep_job()
    if job is None:
        return train(cfg)
    try:
        with loads_kept():  # the jobs of a sweep in this process read a dataset's files once
            return train(cfg)
    except TrackingUnavailableError:
        raise
    except KerasmapError as error:
        reason = str(error)
    except Exception as error:
        log.exception("Sweep job %d failed", job.number)
        reason = f"{type(error).__name__}: {error}"
    log.error("Sweep job %d failed: %s", job.number, reason)
    job.record_failure(run_name_for(cfg), reason)
    return float("nan")


def run_name_for(cfg: DictConfig) -> str:
    """A readable default run name, e.g. `cnn-cifar10`."""
    return f"{cfg.model.name}-{cfg.data.name}"


def _hydra_overrides() -> list[str]:
    from hydra.core.hydra_config import HydraConfig

    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []
