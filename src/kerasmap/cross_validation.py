"""K-fold cross-validation and repeated runs: one parent run, one child run per fold or seed.

With `trainer.folds=K`, fold k of a K-fold split of the training examples (stratified for
classification) validates child run k; with `trainer.repeats=N`, the whole is done with seeds
`seed`, `seed + 1`, ...; the test split is the same for all. The parent records each final
metric's mean under its own name (`test_accuracy`, `best_val_loss`) and its standard
deviation as `std_<name>`, so a sweep optimises the mean and `make compare` shows both. A
killed cross-validation started again continues its parent and skips the finished children.

A cross-validation also gives a model: with `tracking.log_model=true`, the parent logs the
average of all its children's models and records that model's own test metrics as
`ensemble_test_<name>` (see `kerasmap.ensemble`), so a parent is evaluated, served,
exported and promoted like any run.
"""

import contextlib
import logging
import shutil
from collections.abc import Iterator

import numpy as np
from mlflow import MlflowClient
from omegaconf import DictConfig, OmegaConf

from kerasmap.config import KerasmapConfig, load_settings
from kerasmap.recording.lifecycle import FAILURE_TAG, STOPS, stop_reason
from kerasmap.recording.reachability import usable_tracking_uri
from kerasmap.recording.resume import ResumePoint, find_resume_point, remember_run
from kerasmap.recording.store import open_experiment
from kerasmap.run import Placement, RunResult, run_name_for, train_run
from kerasmap.sweeps import current_sweep_job

ROLE_TAG = "kerasmap.cv_role"  # "parent" or "member"
FOLD_TAG = "kerasmap.fold"  # the member's fold, 1-based ("-" without folds)
REPEAT_TAG = "kerasmap.repeat"  # the member's repeat, 1-based
STD_PREFIX = "std_"
ENSEMBLE_PREFIX = "ensemble_"  # the figures of the parent's own model, the average

log = logging.getLogger(__name__)


def cross_validate(cfg: DictConfig, settings: KerasmapConfig, overrides: list[str]) -> RunResult:
    """Trains one child run per fold and repeat under a parent run that sums them up.

    Returns:
        The parent's result: the mean best monitored value, the mean test metrics and
        the average model's (`ensemble_test_<name>`).
    """
    from kerasmap.recording import run_record  # imports Keras: not for `make compare`

    tracking, trainer = settings.tracking, settings.trainer
    tracking_uri = usable_tracking_uri(tracking.uri, tracking.required)
    experiment_id = open_experiment(tracking_uri, tracking.experiment, tracking.artifact_root)
    config = OmegaConf.to_container(cfg, resolve=True)
    resume = (
        find_resume_point(trainer.backup_dir, config | {"part": "parent"})
        if trainer.resume
        else ResumePoint(folder=None, run_id=None)
    )
    job = current_sweep_job()
    name = tracking.run_name or run_name_for(cfg)
    tags = (job.tags() if job else {}) | {ROLE_TAG: "parent"}
    with _parent_run(
        experiment_id,
        job.run_name(name) if job else name,
        tags,
        job.parent_id if job else None,
        resume.run_id,
    ) as parent_id:
        if resume.folder is not None:
            remember_run(resume.folder, parent_id)
        if resume.run_id is None:
            run_record.log_config(config, overrides, run_id=parent_id)
        objective = f"best_{trainer.monitor}"
        done = _finished_members(parent_id, objective)
        results = [
            done.get(part) or _train_member(cfg, overrides, name, parent_id, *part)
            for part in _parts(trainer.repeats, trainer.folds)
        ]
        summary = _summarise(results, objective)
        if tracking.log_model:
            from kerasmap.ensemble import log_ensemble

            summary |= log_ensemble(parent_id, settings, [result.run_id for result in results])
        MlflowClient().log_batch(parent_id, metrics=_as_metrics(summary))
    if resume.folder is not None:
        shutil.rmtree(resume.folder, ignore_errors=True)  # done: nothing left to resume
    means = {key: value for key, value in summary.items() if not key.startswith(STD_PREFIX)}
    return RunResult(parent_id, experiment_id, tracking_uri, means[objective], summary)


def _parts(repeats: int, folds: int) -> list[tuple[int, int]]:
    """`(repeat, fold)` of every child, 0-based; fold 0 of 1 when there are no folds."""
    return [(repeat, fold) for repeat in range(repeats) for fold in range(folds)]


def _train_member(cfg, overrides, name, parent_id, repeat, fold) -> RunResult:
    member_cfg = OmegaConf.merge(cfg, {"seed": cfg.seed + repeat})
    settings = load_settings(member_cfg)
    folds = settings.trainer.folds
    label = " ".join(
        part
        for part in (
            f"fold={fold + 1}/{folds}" if folds > 1 else "",
            f"repeat={repeat + 1}/{settings.trainer.repeats}"
            if settings.trainer.repeats > 1
            else "",
        )
        if part
    )
    log.info("Training %s.", label.replace("=", " "))
    placement = Placement(
        f"{name} {label}",
        parent_id=parent_id,
        tags={ROLE_TAG: "member", REPEAT_TAG: str(repeat + 1), FOLD_TAG: str(fold + 1)},
        part={"repeat": repeat, "fold": fold},
    )
    return train_run(
        member_cfg, settings, overrides, placement, fold=(fold, folds) if folds > 1 else None
    )


def _finished_members(parent_id: str, objective: str) -> dict[tuple[int, int], RunResult]:
    """The children a killed cross-validation finished before, by `(repeat, fold)`."""
    client = MlflowClient()
    parent = client.get_run(parent_id)
    children = client.search_runs(
        [parent.info.experiment_id],
        filter_string=(
            f"tags.`mlflow.parentRunId` = '{parent_id}' and attributes.status = 'FINISHED'"
        ),
    )
    return {
        (int(run.data.tags[REPEAT_TAG]) - 1, int(run.data.tags[FOLD_TAG]) - 1): RunResult(
            run.info.run_id,
            parent.info.experiment_id,
            "",
            run.data.metrics[objective],
            dict(run.data.metrics),
        )
        for run in children
    }


def _summarise(results: list[RunResult], objective: str) -> dict[str, float]:
    """Each test metric and the objective: the mean under its name, the deviation as std_."""
    names = sorted(
        {name for result in results for name in result.metrics if name.startswith("test_")}
    )
    values = {name: [result.metrics.get(name, np.nan) for result in results] for name in names}
    values[objective] = [result.best for result in results]
    summary = {}
    for name, numbers in values.items():
        summary[name] = float(np.mean(numbers))
        summary[f"{STD_PREFIX}{name}"] = float(np.std(numbers))
    return summary


def _as_metrics(values: dict[str, float]):
    import time

    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    return [Metric(name, value, now, 0) for name, value in values.items()]


@contextlib.contextmanager
def _parent_run(experiment_id, name, tags, parent_id, run_id) -> Iterator[str]:
    """The parent run, open while its children train; it never stays RUNNING."""
    client = MlflowClient()
    if run_id is None:
        tags = tags | ({"mlflow.parentRunId": parent_id} if parent_id else {})
        run_id = client.create_run(experiment_id, run_name=name, tags=tags).info.run_id
    else:
        client.update_run(run_id, status="RUNNING")
        if FAILURE_TAG in client.get_run(run_id).data.tags:
            client.delete_tag(run_id, FAILURE_TAG)
    try:
        yield run_id
    except STOPS as stop:
        client.set_tag(run_id, FAILURE_TAG, stop_reason(stop))
        client.set_terminated(run_id, status="KILLED")
        raise
    except BaseException as error:
        client.set_tag(run_id, FAILURE_TAG, f"{type(error).__name__}: {error}"[:5000])
        client.set_terminated(run_id, status="FAILED")
        raise
    client.set_terminated(run_id, status="FINISHED")
