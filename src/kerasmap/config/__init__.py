"""Structured-config schemas: register them with Hydra and validate a composed config.

Importing this package registers every schema in Hydra's ConfigStore. It never imports
TensorFlow, so bad values are reported in a fraction of a second.
"""

import dataclasses

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from kerasmap.config.help_text import register_help_resolver
from kerasmap.config.registry import GROUP_SCHEMAS
from kerasmap.config.root import KerasmapConfig
from kerasmap.config.tracking import TrackingConfig
from kerasmap.config.trainer import LRScheduleConfig, TrainerConfig
from kerasmap.errors import ConfigError


def register_schemas() -> None:
    """Stores the root schema and each group's schemas under `schema/<group>/<name>`."""
    store = ConfigStore.instance()
    store.store(name="kerasmap_schema", node=KerasmapConfig)
    for group, schemas in GROUP_SCHEMAS.items():
        for name, schema in schemas().items():
            store.store(group=f"schema/{group}", name=name, node=schema)


def load_settings(cfg: DictConfig) -> KerasmapConfig:
    """Validates a composed config and returns it as typed dataclasses.

    Args:
        cfg: The config Hydra composed (or `hydra.compose` returned).

    Returns:
        A `KerasmapConfig` whose groups are the schema dataclasses.

    Raises:
        ConfigError: If any value is out of range or the groups do not fit together.
    """
    _reject_undeclared_keys(cfg)
    return OmegaConf.to_object(cfg)


def _reject_undeclared_keys(node: DictConfig, prefix: str = "") -> None:
    """Catches keys appended with `+key=value` that no schema declares, at any depth."""
    schema = OmegaConf.get_type(node)
    if not dataclasses.is_dataclass(schema):
        return
    declared = {field.name for field in dataclasses.fields(schema)}
    for key in node:
        full_key = f"{prefix}{key}"
        if key not in declared:
            parent = f"`{prefix[:-1]}`" if prefix else "the config"
            raise ConfigError(
                f"Received an unknown key `{full_key}`, expected one of the keys of {parent}: "
                f"{', '.join(sorted(declared))}. Received: {full_key}={node[key]!r}"
            )
        child = node._get_node(key)
        if isinstance(child, DictConfig):
            _reject_undeclared_keys(child, f"{full_key}.")


register_schemas()
register_help_resolver()

__all__ = [
    "KerasmapConfig",
    "LRScheduleConfig",
    "TrackingConfig",
    "TrainerConfig",
    "load_settings",
    "register_schemas",
]
