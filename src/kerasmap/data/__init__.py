"""Stage 1, prepare: load a dataset by name and build its `tf.data` pipelines.

Importing this package is cheap: loaders use numpy only, and TensorFlow is
imported by `prepare_data` when it builds the pipelines.
"""

import inspect

from kerasmap.data.bundle import DatasetBundle
from kerasmap.data.cifar10 import load_cifar10
from kerasmap.data.fashion_mnist import load_fashion_mnist
from kerasmap.data.imdb import load_imdb
from kerasmap.data.mnist import load_mnist
from kerasmap.data.moons import load_moons
from kerasmap.data.settings import check_pipeline_settings
from kerasmap.errors import ConfigError

LOADERS = {
    "fashion_mnist": load_fashion_mnist,
    "mnist": load_mnist,
    "cifar10": load_cifar10,
    "imdb": load_imdb,
    "moons": load_moons,
}


def prepare_data(
    name: str,
    *,
    batch_size: int,
    seed: int,
    val_fraction: float,
    limit: int | None = None,
    augment: bool = False,
    **loader_options,
) -> DatasetBundle:
    """Loads the dataset `name` and builds its train, validation and test pipelines.

    Args:
        name: A key of `LOADERS`.
        batch_size: Examples per batch.
        seed: Seed of the validation split, the shuffle and the augmentation;
            also passed to loaders that take a `seed` (generated data).
        val_fraction: Fraction of the training examples held out for validation.
        limit: Keep only the first `limit` training examples; `None` keeps all.
            Defaults to `None`.
        augment: Randomly flip and shift training image batches. Defaults to `False`.
        **loader_options: Keyword arguments of the dataset's loader, e.g.
            `path`, `num_words`, `maxlen`, `num_samples`, `noise`.

    Returns:
        The dataset's `DatasetBundle`.

    Raises:
        ConfigError: If `name` is unknown, an option is not one of the loader's
            arguments, or a setting is out of range.
        DataError: If the dataset cannot be read or downloaded.
    """
    if name not in LOADERS:
        raise ConfigError(
            f"Received an invalid value for `data.name`, expected one of {sorted(LOADERS)}. "
            f"Received: data.name={name}"
        )
    loader = LOADERS[name]
    parameters = inspect.signature(loader).parameters
    unknown = {key: value for key, value in loader_options.items() if key not in parameters}
    if unknown:
        received = ", ".join(f"data.{key}={value}" for key, value in unknown.items())
        raise ConfigError(
            f"Received options that the {name} loader does not take, expected some of "
            f"{sorted(set(parameters) - {'seed'})}. Received: {received}"
        )
    check_pipeline_settings(batch_size=batch_size, val_fraction=val_fraction, limit=limit)
    if "seed" in parameters:
        loader_options["seed"] = seed
    splits = loader(**loader_options)
    # Imported here so that importing kerasmap.data does not import TensorFlow.
    from kerasmap.data.pipeline import make_datasets

    return make_datasets(
        splits,
        batch_size=batch_size,
        seed=seed,
        val_fraction=val_fraction,
        limit=limit,
        augment=augment,
    )
