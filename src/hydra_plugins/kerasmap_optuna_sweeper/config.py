"""The `hydra/sweeper: kerasmap_optuna` config, registered in Hydra's ConfigStore."""

from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore


@dataclass
class KerasmapOptunaSweeperConf:
    """The options of `KerasmapOptunaSweeper`; its docstring explains each one."""

    _target_: str = "hydra_plugins.kerasmap_optuna_sweeper.sweeper.KerasmapOptunaSweeper"
    direction: str = "minimize"
    n_trials: int = 20
    n_jobs: int = 1
    seed: int | None = 42
    sampler: str = "tpe"
    params: dict[str, str] = field(default_factory=dict)
    storage: str | None = None
    study_name: str | None = None


ConfigStore.instance().store(
    group="hydra/sweeper",
    name="kerasmap_optuna",
    node=KerasmapOptunaSweeperConf,
    provider="kerasmap",
)
