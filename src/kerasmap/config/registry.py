"""Every schema of the data, model and optimizer groups, found from the schema classes.

A new dataset kind, model family or optimizer is a new subclass in its group's module;
nothing here changes.
"""

from kerasmap.config.data import DataConfig
from kerasmap.config.model import ModelConfig
from kerasmap.config.optimizer import OptimizerConfig


def _subclasses(base: type) -> list[type]:
    found = []
    for subclass in base.__subclasses__():
        found += [subclass, *_subclasses(subclass)]
    return found


def model_schemas() -> dict[str, type[ModelConfig]]:
    """The schema of each model family, by family name."""
    return {schema.NAME: schema for schema in _subclasses(ModelConfig)}


def data_schemas() -> dict[str, type[DataConfig]]:
    """The schema of each kind of dataset, by kind."""
    return {schema.KIND: schema for schema in _subclasses(DataConfig)}


def optimizer_schemas() -> dict[str, type[OptimizerConfig]]:
    """The schema of each optimizer, by the first optimizer name it serves."""
    return {schema.NAMES[0]: schema for schema in _subclasses(OptimizerConfig)}


GROUP_SCHEMAS = {"data": data_schemas, "model": model_schemas, "optimizer": optimizer_schemas}


def families_for(modality: str) -> list[str]:
    """The model families that read inputs of `modality`, sorted by name."""
    return sorted(name for name, schema in model_schemas().items() if modality in schema.MODALITIES)
