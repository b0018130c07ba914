"""Compose configs in-process: from overrides, and again from what a run recorded."""

from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from kerasmap.config.preflight import explain, with_open_mappings
from kerasmap.errors import ConfigError
from kerasmap.recording.secrets import HIDDEN

CONFIG_DIR = Path(__file__).resolve().parents[3] / "conf"  # the repository's `conf/`


def compose_config(
    overrides: list[str], config_name: str = "config", config_dir: str = str(CONFIG_DIR)
) -> DictConfig:
    """Composes `config_name` with `overrides`, as Hydra would for the command line.

    Raises:
        ConfigError: If an override names an unknown option or key, or has a value of
            the wrong type.
    """
    try:
        with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
            return compose(config_name, overrides=with_open_mappings(overrides))
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(explain(error, overrides)) from None


def rebuild_config(
    recorded_overrides: list[str],
    recorded_config: dict,
    overrides: list[str],
    *,
    source: str,
    config_dir: str = str(CONFIG_DIR),
) -> tuple[DictConfig, list[str]]:
    """Composes the config a run recorded, then applies `overrides` on top.

    The recorded overrides choose the same config groups, so the same schemas check the
    values; the recorded resolved values then replace what `config_dir` holds now, so a
    default changed since does not change the rerun. Values hidden as `***` are taken
    from the current config instead, and `overrides` win over everything recorded (a
    group chosen anew, `model=cnn`, drops every recorded `model.*` value).

    Args:
        recorded_overrides: The run's `config/overrides.txt`, one override per entry.
        recorded_config: The run's resolved `config/config.yaml`.
        overrides: Overrides to apply on top.
        source: The recorded run, for error messages, e.g. `run_id='abc' (commit 1f2e)`.
        config_dir: The config folder. Defaults to the repository's `conf/`.

    Returns:
        The config, and the replayed overrides (to record with the rerun); the groups the
        overrides leave open are chosen as the run recorded them.

    Raises:
        ConfigError: If a recorded value no longer fits the current schemas.
    """
    overridden = tuple(_key_of(override) for override in overrides)
    replayed = [
        override
        for override in recorded_overrides
        if HIDDEN not in override and not _is_under(_key_of(override), overridden)
    ]
    replayed += overrides
    choices = _recorded_group_choices(recorded_config, replayed)
    cfg = compose_config(choices + replayed, config_dir=config_dir)
    try:
        return OmegaConf.merge(cfg, _kept_values(recorded_config, "", overridden)), replayed
    except OmegaConfBaseException as error:
        key = error.full_key
        value = OmegaConf.select(OmegaConf.create(recorded_config), key)
        raise ConfigError(
            f"Received a recorded value for `{key}` that the current config cannot take, "
            f"expected a run recorded with this code (or a checkout of its commit). "
            f"Received: {key}={value!r} in {source}"
        ) from None


def _recorded_group_choices(recorded_config: dict, replayed: list[str]) -> list[str]:
    """The model and optimizer the run trained with, and the default trainer, where the
    replayed overrides do not choose them.

    A dataset's own defaults may change (`data=table` chose `model=mlp` before it chose
    `tabular`), so the recorded names choose the groups. Every trainer option shares one
    schema and a run records all its values, so `trainer=default` under the recorded values
    is the run's trainer, and a value a run predates (`trainer.max_steps`) keeps the schema's
    default rather than today's `trainer=table`'s.
    """
    chosen = {_key_of(override) for override in replayed}
    choices = [
        f"{group}={recorded_config[group]['name']}"
        for group in ("model", "optimizer")
        if group not in chosen and "name" in recorded_config.get(group, {})
    ]
    return choices + ([] if "trainer" in chosen else ["trainer=default"])


def _kept_values(config: dict, prefix: str, overridden: tuple[str, ...]) -> dict:
    """`config` without hidden values and without the keys under `overridden`."""
    kept = {}
    for name, value in config.items():
        key = f"{prefix}{name}"
        if _is_under(key, overridden):
            continue
        if isinstance(value, dict):
            kept[name] = _kept_values(value, f"{key}.", overridden)
        elif HIDDEN not in str(value):
            kept[name] = value
    return kept


def _key_of(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def _is_under(key: str, overridden: tuple[str, ...]) -> bool:
    """Whether `key` is one of `overridden` or inside one (`model.dropout` inside `model`)."""
    return any(key == other or key.startswith(f"{other}.") for other in overridden)
