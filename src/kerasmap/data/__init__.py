"""Stage 1, prepare: load a dataset by name and build its `tf.data` pipelines.

Each dataset `<name>` has a module `kerasmap.data.datasets.<name>` whose `load_<name>`
returns its splits as numpy arrays (`ArraySplits`). Importing this package, or a loader module, is
cheap: loaders use numpy only, and TensorFlow is imported by `prepare_data` when it builds
the pipelines.
"""

import inspect
from collections.abc import Callable

from kerasmap.conventions import named_function, names_with_function
from kerasmap.data import datasets as datasets_package
from kerasmap.data.arrays import ArraySplits
from kerasmap.data.bundle import DatasetBundle
from kerasmap.errors import ConfigError


def dataset_loader(name: str) -> Callable[..., ArraySplits]:
    """Returns the loader function of dataset `name`.

    Raises:
        ConfigError: If no module `kerasmap.data.datasets.<name>` defines `load_<name>`.
    """
    loader = named_function(datasets_package, name, "load_")
    if loader is None:
        raise ConfigError(
            f"Received an invalid value for `data.name`, expected one of "
            f"{', '.join(datasets())}. Received: data.name={name!r}"
        )
    return loader


def datasets() -> list[str]:
    """Every dataset that has a loader, sorted by name."""
    return names_with_function(datasets_package, "load_")


def prepare_data(
    name: str,
    *,
    kind_task: str,
    modality: str,
    batch_size: int,
    seed: int,
    val_fraction: float,
    limit: int | None,
    augment: bool,
    fold: tuple[int, int] | None = None,
    min_batches_per_epoch: int | None = None,
    **loader_options,
) -> DatasetBundle:
    """Loads the dataset `name` and builds its train, validation and test pipelines.

    Args:
        name: A dataset with a loader, see `datasets()`.
        kind_task: The task of the dataset's kind: `"multiclass"`, `"binary"` or
            `"regression"`; empty when the loader decides it from the data (tables).
        modality: One of `"image"`, `"tokens"`, `"features"`.
        batch_size: Examples per batch (at most, with `min_batches_per_epoch`).
        seed: Seed of the validation split, the shuffle and the augmentation;
            also passed to loaders that take a `seed` (generated data).
        val_fraction: Fraction of the training examples held out for validation.
        limit: Keep only the first `limit` training examples; `None` keeps all.
        augment: Randomly flip and shift training image batches.
        fold: `(k, K)`: validate on fold k of K instead of a `val_fraction` split.
            Defaults to `None`.
        min_batches_per_epoch: Shrink the batches of a small training split so an epoch
            has at least this many; `None` keeps `batch_size`. Defaults to `None`.
        **loader_options: Keyword arguments of the dataset's loader, e.g.
            `path`, `num_words`, `maxlen`, `num_samples`, `noise`.

    Returns:
        The dataset's `DatasetBundle`.

    Raises:
        ConfigError: If `name` is unknown, or the split leaves no training or
            validation examples.
        DataError: If the dataset cannot be read or downloaded.
    """
    loader = dataset_loader(name)
    if "seed" in inspect.signature(loader).parameters:
        loader_options["seed"] = seed
    splits = loader(**loader_options)
    # Imported here so that importing kerasmap.data does not import TensorFlow.
    from kerasmap.data.pipeline import make_datasets

    return make_datasets(
        splits,
        task=kind_task,
        modality=modality,
        batch_size=batch_size,
        seed=seed,
        val_fraction=val_fraction,
        limit=limit,
        augment=augment,
        fold=fold,
        min_batches_per_epoch=min_batches_per_epoch,
    )
