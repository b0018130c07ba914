"""`KerasmapOptunaSweeper`: a Hydra sweeper that searches hyperparameters with Optuna."""

import logging
import math
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path

import optuna
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn, JobStatus
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from hydra_plugins.kerasmap_optuna_sweeper import search_space, studies
from hydra_plugins.kerasmap_optuna_sweeper.errors import require
from hydra_plugins.kerasmap_optuna_sweeper.results import write_results

log = logging.getLogger(__name__)

DIRECTIONS = ("minimize", "maximize")


class KerasmapOptunaSweeper(Sweeper):
    """Searches hyperparameters with Optuna, one Hydra job per trial.

    The value a job returns is the trial's objective. A job that raises, or returns
    None, NaN or an infinite value, is told to Optuna as a failed trial with a warning,
    and the search goes on. At the end, `optimization_results.yaml` in `hydra.sweep.dir`
    holds the best parameters and value and how many trials completed or failed.

    Args:
        direction: `minimize` or `maximize` the objective. Defaults to `minimize`.
        n_trials: Number of trials, i.e. jobs, in the study, over all its workers: a worker
            stops asking once the study has that many. Defaults to `20`.
        n_jobs: Trials asked of Optuna and launched together as one batch; more than 1
            runs them in parallel only with a parallel Hydra launcher. Defaults to `1`.
        seed: Seed of the sampler, or null for a different search each time; unused with
            a `storage` (see `studies.open_study`). Defaults to `42`.
        sampler: `tpe` (Optuna's TPESampler) or `random`. Defaults to `tpe`.
        params: The search space: config key -> Hydra sweep such as `interval(0, 0.5)`,
            `tag(log, interval(1e-4, 1e-2))`, `choice(32, 64)` or `range(1, 4)`. Sweeps on
            the command line join it; a plain value there fixes its key. Defaults to `{}`.
        storage: An Optuna database URL (`sqlite:///optuna.db`, `postgresql://...`) whose
            study every worker running the same command joins, or null for a study in
            memory. Defaults to `None`.
        study_name: The study's name in the storage, or null for the job's name (`train`).
            Defaults to `None`.
    """

    def __init__(
        self,
        direction: str,
        n_trials: int,
        n_jobs: int,
        seed: int | None,
        sampler: str,
        params: Mapping[str, str],
        storage: str | None,
        study_name: str | None,
    ) -> None:
        super().__init__()
        self.direction = direction
        self.n_trials = n_trials
        self.n_jobs = n_jobs
        self.seed = seed
        self.sampler = sampler
        self.params = params
        self.storage = storage
        self.study_name = study_name

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Checks the options and the search space, opens the study, creates the launcher.

        The checks run here rather than in `__init__` because Hydra wraps an error raised
        by a plugin's constructor in a three-line message; raised here, it prints as one.

        Raises:
            SweeperConfigError: If an option or a search-space entry is invalid, the storage
                cannot be opened, or its study has another direction.
        """
        for name, valid, expected in (
            ("direction", self.direction in DIRECTIONS, "'minimize' or 'maximize'"),
            ("n_trials", self.n_trials >= 1, "an integer >= 1"),
            ("n_jobs", self.n_jobs >= 1, "an integer >= 1"),
            ("sampler", self.sampler in studies.SAMPLERS, "'tpe' or 'random'"),
        ):
            require(valid, f"hydra.sweeper.{name}", getattr(self, name), expected)
        self.parser = OverridesParser.create(config_loader=hydra_context.config_loader)
        self.space = search_space.parse_params(self.parser, self.params)
        self.study = studies.open_study(
            direction=self.direction,
            sampler=self.sampler,
            seed=self.seed,
            storage=self.storage,
            study_name=self.study_name or config.hydra.job.name,
        )
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> None:
        """Runs jobs in batches of `n_jobs` until the study has `n_trials`; writes the results."""
        fixed, space = search_space.split_arguments(self.parser, arguments, self.space)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        if self.storage:
            studies.tag_parent_run(sweep_dir, self.study.study_name, self.storage)
        job_index = 0
        while (remaining := self.n_trials - studies.counted_trials(self.study)) > 0:
            asked = [studies.ask(self.study, space) for _ in range(min(self.n_jobs, remaining))]
            trials = studies.drop_surplus(self.study, asked, self.n_trials)
            if not trials:
                break
            batch = [fixed + search_space.job_overrides(trial.params) for trial in trials]
            self.validate_batch_is_legal(batch)
            job_returns = self._launch(trials, batch, job_index)
            for trial, job_return in zip(trials, job_returns, strict=True):
                _tell(self.study, trial, job_return)
            job_index += len(batch)
        if job_index == 0:
            log.info(
                "Study %r already has its %d trials (hydra.sweeper.n_trials), so no new trial ran.",
                self.study.study_name,
                self.n_trials,
            )
        write_results(self.study, sweep_dir)

    def _launch(
        self, trials: list[optuna.Trial], batch: list[list[str]], job_index: int
    ) -> Sequence[JobReturn]:
        """Launches the batch; a stopped batch's trials are told FAILED, not left RUNNING."""
        try:
            with studies.heartbeats(trials):
                return self.launcher.launch(batch, initial_job_idx=job_index)
        except BaseException:
            for trial in trials:
                self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            raise


class _TrialFailed(Exception):
    """A job gave no objective value: it raised, or returned a non-finite or non-number."""


def _tell(study: optuna.Study, trial: optuna.Trial, job_return: JobReturn) -> None:
    """Tells Optuna the job's value, or that the trial failed (with a warning)."""
    params = " ".join(search_space.job_overrides(trial.params))
    try:
        value = _objective(job_return)
    except _TrialFailed as failure:
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        log.warning(
            "Trial %d (%s) failed: %s; the search goes on.",
            trial.number,
            params,
            failure,
            exc_info=failure.__cause__,  # the job's traceback, when it raised
        )
        return
    study.tell(trial, value)
    log.info("Trial %d (%s) returned %s.", trial.number, params, value)


def _objective(job_return: JobReturn) -> float:
    """The job's return value as a finite float.

    Raises:
        _TrialFailed: If the job raised, or returned something other than a finite number.
    """
    if job_return.status != JobStatus.COMPLETED:
        try:
            _ = job_return.return_value  # re-raises the job's exception
        except Exception as error:
            raise _TrialFailed(f"the job raised {type(error).__name__}: {error}") from error
    value = job_return.return_value
    if not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise _TrialFailed(f"the job returned {value}, not a finite number")
    return float(value)
