"""A Hydra callback that records each multirun sweep as one MLflow parent run.

Registered in `conf/config.yaml` under `hydra.callbacks`, so it works with any sweeper
and launcher: the grid of `-m key=a,b`, the Optuna search, the parallel joblib launcher.
"""

import logging
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from kerasmap.tracking import sweep_tags

log = logging.getLogger(__name__)
OPEN_SWEEPS: list["SweepParentRun"] = []  # closed as KILLED if the process is interrupted


class SweepParentRun(Callback):
    """Opens the parent run when a sweep starts and closes it with its results."""

    def __init__(self) -> None:
        self.parent_id: str | None = None
        self.objective: tuple[str, str] = ("", "")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from kerasmap.tracking.store import open_experiment
        from kerasmap.tracking.sweep_runs import start_parent_run

        tracking = config.tracking
        experiment_id = open_experiment(tracking.uri, tracking.experiment, tracking.artifact_root)
        overrides = list(config.hydra.overrides.task)
        metric = objective_metric(config)
        self.objective = (metric, objective_direction(config, metric))
        params = {
            sweep_tags.OVERRIDES_PARAM: " ".join(overrides) or "(none)",
            sweep_tags.SWEPT_KEYS_PARAM: ",".join(swept_keys(config, overrides)),
            sweep_tags.METRIC_PARAM: metric,
            sweep_tags.DIRECTION_PARAM: self.objective[1],
        }
        self.parent_id = start_parent_run(experiment_id, Path(config.hydra.sweep.dir), params)
        OPEN_SWEEPS.append(self)
        log.info("Sweep recorded as MLflow run %s in %s", self.parent_id, tracking.uri)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self.close(status="FINISHED")

    def close(self, status: str) -> None:
        """Logs the job counts and the best job on the parent run and ends it."""
        from kerasmap.tracking.sweep_runs import finish_parent_run

        if self.parent_id is None:
            return
        finish_parent_run(self.parent_id, *self.objective, status=status)
        self.parent_id = None
        OPEN_SWEEPS.remove(self)


def close_open_sweeps(status: str = "KILLED") -> None:
    """Ends every parent run this process opened and did not close (Ctrl-C, a crash)."""
    for sweep in list(OPEN_SWEEPS):
        sweep.close(status=status)


def objective_metric(config: DictConfig) -> str:
    """The metric a sweep optimises: each job's best value of `trainer.monitor`."""
    return f"best_{config.trainer.monitor}"


def objective_direction(config: DictConfig, metric: str) -> str:
    """The sweeper's own `direction` when it has one (Optuna), else the metric's natural one."""
    from kerasmap.tracking.metric_direction import natural_direction

    direction = config.hydra.sweeper.get("direction")
    return str(direction) if direction else natural_direction(metric)


def swept_keys(config: DictConfig, overrides: list[str]) -> list[str]:
    """Keys that vary across the sweep's jobs: sweep overrides and a search's parameters."""
    parsed = OverridesParser.create().parse_overrides(overrides)
    keys = [override.key_or_group for override in parsed if override.is_sweep_override()]
    keys += [str(key) for key in config.hydra.sweeper.get("params") or {} if key not in keys]
    return keys
