"""`KerasmapOptunaSweeper`: a Hydra sweeper that searches hyperparameters with Optuna."""

import logging
import math
import numbers
from collections.abc import Mapping
from pathlib import Path

import optuna
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn, JobStatus
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from hydra_plugins.kerasmap_optuna_sweeper import search_space
from hydra_plugins.kerasmap_optuna_sweeper.errors import require
from hydra_plugins.kerasmap_optuna_sweeper.results import write_results

log = logging.getLogger(__name__)

DIRECTIONS = ("minimize", "maximize")
SAMPLERS = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}


class KerasmapOptunaSweeper(Sweeper):
    """Searches hyperparameters with Optuna, one Hydra job per trial.

    The value a job returns is the trial's objective. A job that raises, or returns
    None, NaN or an infinite value, is told to Optuna as a failed trial with a warning,
    and the search goes on. At the end, `optimization_results.yaml` in `hydra.sweep.dir`
    holds the best parameters and value and how many trials completed or failed.

    Args:
        direction: `minimize` or `maximize` the objective. Defaults to `minimize`.
        n_trials: Number of trials, i.e. jobs, in all. Defaults to `20`.
        n_jobs: Trials asked of Optuna and launched together as one batch; more than 1
            runs them in parallel only with a parallel Hydra launcher. Defaults to `1`.
        seed: Seed of the sampler, or null for a different search each time.
            Defaults to `42`.
        sampler: `tpe` (Optuna's TPESampler) or `random`. Defaults to `tpe`.
        params: The search space: config key -> Hydra sweep such as `interval(0, 0.5)`,
            `tag(log, interval(1e-4, 1e-2))`, `choice(32, 64)` or `range(1, 4)`. Sweeps on
            the command line join it; a plain value there fixes its key. Defaults to `{}`.
    """

    def __init__(
        self,
        direction: str,
        n_trials: int,
        n_jobs: int,
        seed: int | None,
        sampler: str,
        params: Mapping[str, str],
    ) -> None:
        super().__init__()
        self.direction = direction
        self.n_trials = n_trials
        self.n_jobs = n_jobs
        self.seed = seed
        self.sampler = sampler
        self.params = params

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Checks the options and the search space, then creates the launcher.

        The checks run here rather than in `__init__` because Hydra wraps an error raised
        by a plugin's constructor in a three-line message; raised here, it prints as one.

        Raises:
            SweeperConfigError: If an option or a search-space entry is invalid.
        """
        for name, valid, expected in (
            ("direction", self.direction in DIRECTIONS, "'minimize' or 'maximize'"),
            ("n_trials", self.n_trials >= 1, "an integer >= 1"),
            ("n_jobs", self.n_jobs >= 1, "an integer >= 1"),
            ("sampler", self.sampler in SAMPLERS, "'tpe' or 'random'"),
        ):
            require(valid, f"hydra.sweeper.{name}", getattr(self, name), expected)
        self.parser = OverridesParser.create(config_loader=hydra_context.config_loader)
        self.space = search_space.parse_params(self.parser, self.params)
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> None:
        """Runs `n_trials` jobs in batches of `n_jobs` and writes the results file."""
        fixed, space = search_space.split_arguments(self.parser, arguments, self.space)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        study = self._create_study()
        job_index = 0
        while job_index < self.n_trials:
            trials = [study.ask(space) for _ in range(min(self.n_jobs, self.n_trials - job_index))]
            batch = [fixed + search_space.job_overrides(trial.params) for trial in trials]
            self.validate_batch_is_legal(batch)
            job_returns = self.launcher.launch(batch, initial_job_idx=job_index)
            for trial, job_return in zip(trials, job_returns, strict=True):
                _tell(study, trial, job_return)
            job_index += len(batch)
        write_results(study, sweep_dir)

    def _create_study(self) -> optuna.Study:
        # Optuna's own INFO lines ("A new study created ...") would bypass Hydra's logging.
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        optuna.logging.disable_default_handler()
        optuna.logging.enable_propagation()
        return optuna.create_study(
            study_name=self.config.hydra.job.name,
            direction=self.direction,
            sampler=SAMPLERS[self.sampler](seed=self.seed),
        )


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
