"""One Hydra run of a config composed already, so a command composes its config once.

`@hydra.main` composes the config twice before a plain run (once to read `hydra.mode`, once
to run), and `kerasmap.cli.preflight` has composed it before that, to report a mistake in one
sentence: 0.07 to 0.2 s each. For a run without Hydra flags, `run_composed` takes the
config the preflight composed and does what Hydra's `Hydra.run` does with its own: Hydra's
logging, its callbacks, `hydra.core.utils.run_job` (the output folder, `.hydra/`, the job's
logging, `HydraConfig`) and Hydra's report of a failed task.
"""

from typing import Any

from hydra import initialize_config_dir
from hydra._internal.callbacks import Callbacks
from hydra._internal.utils import run_and_report
from hydra.core.global_hydra import GlobalHydra
from hydra.core.utils import configure_log, run_job
from hydra.types import HydraContext, RunMode, TaskFunction
from omegaconf import DictConfig


def is_single_run(cfg: DictConfig | None) -> bool:
    """Whether `cfg`, the preflight's composition, is one run that `run_composed` can start."""
    return cfg is not None and cfg.hydra.mode in (None, RunMode.RUN)


def run_composed(
    task_function: TaskFunction, config_dir: str, config_name: str, cfg: DictConfig
) -> Any:
    """Runs `task_function` on `cfg` as `@hydra.main` would after composing `cfg` itself.

    Args:
        task_function: The `@hydra.main` function; called with a config, Hydra passes it on.
        config_dir: The config folder `cfg` was composed from.
        config_name: The config in `config_dir` that `cfg` was composed from.
        cfg: The composed config, with its `hydra` node.

    Returns:
        What `task_function` returned. A task that raises is reported as Hydra reports it.
    """
    with initialize_config_dir(config_dir, job_name=cfg.hydra.job.name, version_base="1.3"):
        configure_log(cfg.hydra.hydra_logging, cfg.hydra.verbose)
        cfg.hydra.mode = RunMode.RUN
        callbacks = Callbacks(cfg)
        callbacks.on_run_start(config=cfg, config_name=config_name)

        def run() -> Any:
            result = run_job(
                hydra_context=HydraContext(GlobalHydra.instance().config_loader(), callbacks),
                task_function=task_function,
                config=cfg,
                job_dir_key="hydra.run.dir",
                job_subdir_key=None,
            )
            callbacks.on_run_end(config=cfg, config_name=config_name, job_return=result)
            return result.return_value

        return run_and_report(run)
