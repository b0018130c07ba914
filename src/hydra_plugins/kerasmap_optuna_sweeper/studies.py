"""The Optuna study a search asks and tells: in memory, or shared by workers in a database.

With `hydra.sweeper.storage`, every worker running the same command joins the one study of
that name, so the workers split its `n_trials` between them, and a stopped search resumes
where it was. Each worker is its own Hydra multirun with its own MLflow parent run; the
parent is tagged with the study, so one query finds every worker of a search:

    mlflow.search_runs(filter_string="tags.`kerasmap.optuna_study` = 'lr-search'")
"""

import contextlib
import json
import logging
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import optuna
from optuna.trial import TrialState

from hydra_plugins.kerasmap_optuna_sweeper.errors import invalid_value, require
from kerasmap.recording.secrets import redact_text
from kerasmap.sweeps import SWEEP_FILE

log = logging.getLogger(__name__)

SAMPLERS = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}
# Trials that use up `n_trials`. A trial a worker asked for after the study was full is told
# PRUNED (a state this sweeper gives no other trial), so it does not count.
COUNTED = (TrialState.COMPLETE, TrialState.FAIL, TrialState.RUNNING)
STUDY_TAG = "kerasmap.optuna_study"  # on a worker's MLflow parent run
STORAGE_TAG = "kerasmap.optuna_storage"  # on a worker's parent run, its password hidden
# A worker records that each of its trials is alive this often; another worker takes a trial
# not heard of for the grace period as dead, and tells it FAIL (Optuna's heartbeat).
HEARTBEAT_SECONDS = 60
GRACE_SECONDS = 180
# What Optuna says of its heartbeat outside `study.optimize`: this sweeper asks and tells by
# design, and beats for its trials itself (`heartbeats`).
HEARTBEAT_WARNINGS = (
    "Heartbeat of storage is supposed to be used with Study.optimize",
    "Argument ``heartbeat_interval`` is an experimental feature",
    "optuna.storages._heartbeat.fail_stale_trials is experimental",
)
STORAGES = (
    "an Optuna database URL this machine can open, e.g. sqlite:///optuna.db or "
    "postgresql://user:password@host/optuna"
)


def open_study(
    *, direction: str, sampler: str, seed: int | None, storage: str | None, study_name: str
) -> optuna.Study:
    """Creates the study in memory, or with a `storage` creates or joins the study there.

    With a storage the sampler ignores `seed` and seeds itself from the operating system:
    workers sharing one seed would propose the same trials, and which worker asks for which
    trial depends on timing, so a shared search cannot be replayed anyway.

    Raises:
        SweeperConfigError: If `storage` cannot be opened, or its study has another direction.
    """
    # Optuna's own INFO lines ("A new study created ...") would bypass Hydra's logging.
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.logging.disable_default_handler()
    optuna.logging.enable_propagation()
    study = optuna.create_study(
        storage=_open_storage(storage),
        study_name=study_name,
        direction=direction,
        sampler=SAMPLERS[sampler](seed=None if storage else seed),
        load_if_exists=True,
    )
    found = study.direction.name.lower()
    expected = f"{found!r}, the direction of study {study_name!r} in `hydra.sweeper.storage`"
    require(found == direction, "hydra.sweeper.direction", direction, expected)
    return study


def _open_storage(url: str | None) -> optuna.storages.RDBStorage | None:
    if url is None:
        return None
    # Imported here: Hydra imports every plugin module at each start, and SQLAlchemy is slow.
    import sqlalchemy.exc

    heartbeat = {"heartbeat_interval": HEARTBEAT_SECONDS, "grace_period": GRACE_SECONDS}
    try:
        try:
            with heartbeat_warnings_hidden():
                return optuna.storages.RDBStorage(url, **heartbeat)
        except sqlalchemy.exc.DBAPIError:
            # Workers opening a new database at once race to create its tables, and the
            # losers fail; a second later they find the tables made.
            time.sleep(1)
            with heartbeat_warnings_hidden():
                return optuna.storages.RDBStorage(url, **heartbeat)
    except (ImportError, ValueError, RuntimeError, sqlalchemy.exc.SQLAlchemyError) as error:
        # Optuna wraps a missing database driver in an ImportError that does not name it.
        cause = error.__cause__ or error
        reason = f"{type(cause).__name__}: {str(cause).splitlines()[0]}"
        expected = f"{STORAGES}; opening it raised {redact_text(reason)}"
        raise invalid_value("hydra.sweeper.storage", redact_text(url), expected) from None


def counted_trials(study: optuna.Study) -> int:
    """How many trials of the study, from every worker, use up `n_trials`.

    A trial whose worker stopped beating (killed outright, its machine lost) is told FAIL
    first, so it counts as the failed trial it is, not as one running forever.
    """
    with heartbeat_warnings_hidden():
        optuna.storages.fail_stale_trials(study)
    return len(study.get_trials(deepcopy=False, states=COUNTED))


@contextlib.contextmanager
def heartbeat_warnings_hidden() -> Iterator[None]:
    """Hides Optuna's warnings about using its heartbeat without `study.optimize`."""
    with warnings.catch_warnings():
        for message in HEARTBEAT_WARNINGS:
            warnings.filterwarnings("ignore", message=re.escape(message))
        yield


def ask(study: optuna.Study, space: dict) -> optuna.Trial:
    """`study.ask(space)`, without Optuna's warning that a heartbeat storage wants `optimize`."""
    with heartbeat_warnings_hidden():
        return study.ask(space)


def heartbeats(trials: list[optuna.Trial]) -> contextlib.ExitStack:
    """Beats for each trial while its job runs, so other workers know it is alive.

    A no-op for a study in memory. Optuna starts these threads only inside `study.optimize`,
    which this sweeper does not use (it asks and tells), so it starts them here.
    """
    from optuna.storages._heartbeat import get_heartbeat_thread

    stack = contextlib.ExitStack()
    for trial in trials:
        stack.enter_context(get_heartbeat_thread(trial._trial_id, trial.storage))
    return stack


def drop_surplus(
    study: optuna.Study, trials: list[optuna.Trial], n_trials: int
) -> list[optuna.Trial]:
    """The asked `trials` that fit in the study's `n_trials`; the others are told PRUNED.

    Two workers can count `n_trials - 1` trials at the same moment and both ask for one;
    the one whose trial has the higher number drops it, so the study ends with exactly
    `n_trials`. The storage numbers the trials, so every worker agrees on the order.
    """
    numbers = [other.number for other in study.get_trials(deepcopy=False, states=COUNTED)]
    kept = []
    for trial in trials:
        if sum(number <= trial.number for number in numbers) <= n_trials:
            kept.append(trial)
            continue
        study.tell(trial, state=TrialState.PRUNED)
        log.info("Trial %d dropped: the study's %d trials are taken.", trial.number, n_trials)
    return kept


def tag_parent_run(sweep_dir: Path, study_name: str, storage: str) -> None:
    """Tags the MLflow parent run of this worker's sweep with the study and its storage.

    Does nothing when no parent run was opened (the task is not kerasmap's training).
    """
    marker = sweep_dir / SWEEP_FILE
    if not marker.exists():
        return
    from mlflow import MlflowClient

    parent_id = json.loads(marker.read_text())["parent_run_id"]
    client = MlflowClient()
    client.set_tag(parent_id, STUDY_TAG, study_name)
    client.set_tag(parent_id, STORAGE_TAG, redact_text(storage))
