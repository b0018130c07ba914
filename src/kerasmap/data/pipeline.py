"""From a dataset's numpy splits to batched train / validation / test `tf.data` pipelines."""

import math

import numpy as np
import tensorflow as tf

from kerasmap.data.arrays import ArraySplits, RawSplits
from kerasmap.data.bundle import DatasetBundle
from kerasmap.data.preprocessing import builtin_preprocessor, make_augmenter, make_caster
from kerasmap.data.rows_on_disk import RowsOnDisk
from kerasmap.data.splits import fold_split, stratified_split
from kerasmap.errors import ConfigError

TARGET_DTYPES = {"multiclass": np.int32, "binary": np.float32, "regression": np.float32}
NUM_INPUT_EXAMPLES = 5
EPOCH_SEED_STRIDE = 1_000_003  # keeps the per-epoch seeds of different run seeds apart
MIN_SHRUNK_BATCH = 16  # a small table's batches shrink to no fewer rows than this
FOLDER_INPUT_KINDS = ("image", "text")  # folders of files, read class by class


def make_datasets(
    splits: ArraySplits,
    *,
    task: str,
    modality: str,
    batch_size: int,
    seed: int,
    val_fraction: float,
    limit: int | None = None,
    augment: bool = False,
    fold: tuple[int, int] | None = None,
    min_batches_per_epoch: int | None = None,
) -> DatasetBundle:
    """Carves a validation split, casts inputs and builds the `tf.data` pipelines.

    Args:
        splits: The dataset's train and test arrays.
        task: One of `"multiclass"`, `"binary"`, `"regression"`.
        modality: One of `"image"`, `"tokens"`, `"features"`.
        batch_size: Examples per batch.
        seed: Seed of the validation split, the shuffle and the augmentation.
        val_fraction: Fraction of the (limited) training examples held out
            for validation.
        limit: Keep only the first `limit` training examples; `None` keeps all.
            Defaults to `None`.
        augment: Randomly flip and shift training image batches; ignored for
            non-image data. Defaults to `False`.
        fold: `(k, K)`: validate on fold k of a K-fold split of the training examples
            instead of a `val_fraction` split. Defaults to `None`.
        min_batches_per_epoch: Shrink the batches (see `fitting_batch_size`) so an epoch has
            at least this many; `None` keeps `batch_size`. Defaults to `None`.

    Returns:
        A `DatasetBundle`: `train_from_epoch(k)` streams the training batches of epoch k
        on, each epoch shuffled by its own seed; `train` is its first epoch.

    Raises:
        ConfigError: If `val_fraction` leaves the training or validation split empty.
    """
    task = getattr(splits, "task", "") or task
    target_dtype = TARGET_DTYPES[task]
    x_train, y_train = _limited(splits, limit, seed)
    y_train = y_train.astype(target_dtype)
    raw = isinstance(splits, RawSplits)
    labels = y_train if (raw and splits.stratify) or (fold and task != "regression") else None
    if fold is None:
        train_index, val_index = split_validation(
            len(y_train),
            val_fraction,
            seed,
            limit,
            labels,
            splits.class_names,
            can_unstratify=getattr(splits, "input_kind", "") == "table",
        )
    else:
        train_index, val_index = fold_split(
            len(y_train), *fold, seed, labels, class_names=splits.class_names
        )
    x_fit = _take(x_train, train_index)
    batch_size = fitting_batch_size(batch_size, len(train_index), min_batches_per_epoch)
    # The model preprocesses its raw inputs itself, so the logged model takes raw inputs.
    if raw:
        cast, preprocessor = _unchanged, splits.preprocessor(x_fit)
        input_example = splits.raw_example
        vocab_size = _vocabulary_size(preprocessor) if modality == "tokens" else None
    else:
        cast, preprocessor = make_caster(modality), builtin_preprocessor(modality, x_fit)
        input_example = splits.x_test[:NUM_INPUT_EXAMPLES]
        vocab_size = splits.vocab_size
    input_shape = preprocessor.output_shape[1:] if preprocessor else splits.x_train.shape[1:]
    augmenter = make_augmenter(seed) if augment and modality == "image" else None
    train_from_epoch = _training_stream(
        x_fit, y_train[train_index], cast, batch_size, seed, augmenter
    )
    steps_per_epoch = math.ceil(len(train_index) / batch_size)
    y_test = splits.y_test.astype(target_dtype)
    y_fit = y_train[train_index]
    return DatasetBundle(
        train=train_from_epoch(0, 1),
        train_from_epoch=train_from_epoch,
        steps_per_epoch=steps_per_epoch,
        batch_size=batch_size,
        val=_to_dataset(_take(x_train, val_index), y_train[val_index], cast, batch_size),
        test=_to_dataset(splits.x_test, y_test, cast, batch_size),
        input_shape=tuple(int(size) for size in input_shape),
        num_classes=1 if task == "regression" else len(splits.class_names),
        class_names=splits.class_names,
        task=task,
        modality=modality,
        fingerprint=splits.fingerprint,
        num_train=len(train_index),
        num_val=len(val_index),
        num_test=len(y_test),
        input_example=input_example,
        vocab_size=vocab_size,
        preprocessor=preprocessor,
        input_kind=getattr(splits, "input_kind", "") or modality,
        description=getattr(splits, "description", {}),
        target_scale=(float(y_fit.mean()), float(y_fit.std()) or 1.0)
        if task == "regression"
        else None,
    )


def fitting_batch_size(batch_size: int, num_train: int, min_batches: int | None) -> int:
    """`batch_size`, or smaller batches where the split has too few rows for `min_batches`.

    A 120-row table with `batch_size=256` would take one step an epoch; with
    `min_batches=8` it takes batches of 16 (never fewer than `MIN_SHRUNK_BATCH` rows).
    """
    if min_batches is None:
        return batch_size
    return min(batch_size, max(MIN_SHRUNK_BATCH, num_train // min_batches))


def _limited(splits: ArraySplits, limit: int | None, seed: int):
    """The training examples `data.limit` keeps: the first `limit`, or, from a user's folder
    (read class by class), `limit` drawn at random, so every class is in them."""
    if limit is None or limit >= len(splits.y_train):
        return splits.x_train, splits.y_train
    if getattr(splits, "input_kind", "") in FOLDER_INPUT_KINDS:
        kept = np.sort(np.random.default_rng(seed).permutation(len(splits.y_train))[:limit])
        return _take(splits.x_train, kept), splits.y_train[kept]
    return _head(splits.x_train, limit), splits.y_train[:limit]


def _head(inputs, limit):
    """The first `limit` examples of an array, or of each array of a table's columns."""
    return (
        {name: values[:limit] for name, values in inputs.items()}
        if isinstance(inputs, dict)
        else inputs[:limit]
    )


def _take(inputs, index):
    return (
        {name: values[index] for name, values in inputs.items()}
        if isinstance(inputs, dict)
        else inputs[index]
    )


def _unchanged(inputs):
    return inputs


def _vocabulary_size(preprocessor) -> int:
    (vectorizer,) = [layer for layer in preprocessor.layers if hasattr(layer, "vocabulary_size")]
    return int(vectorizer.vocabulary_size())


def split_validation(
    num_examples: int,
    val_fraction: float,
    seed: int,
    limit: int | None = None,
    labels: np.ndarray | None = None,
    class_names: tuple[str, ...] = (),
    can_unstratify: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Picks a seeded, disjoint validation subset of the training examples.

    Args:
        num_examples: Number of training examples to split.
        val_fraction: Fraction of them to hold out, rounded to the nearest count.
        seed: Seed of the random choice.
        limit: The `data.limit` in effect, only for the error message.
            Defaults to `None`.
        labels: Each example's class, to keep the class proportions in both splits;
            `None` picks at random. Defaults to `None`.
        class_names: The classes' names, for an error message. Defaults to `()`.
        can_unstratify: Whether `data.stratify=false` is a way out, for an error message.
            Defaults to `False`.

    Returns:
        `(train_index, val_index)`: sorted indices into the training examples.

    Raises:
        ConfigError: If the training or validation split would be empty.
    """
    num_val = round(num_examples * val_fraction)
    if not 1 <= num_val < num_examples:
        raise ConfigError(
            "Received an invalid value for `data.val_fraction`, expected a fraction that leaves "
            f"at least one of the {num_examples} training examples in each of the training and "
            f"validation splits. Received: data.val_fraction={val_fraction}, data.limit={limit}"
        )
    if labels is not None:
        return stratified_split(labels, num_val, seed, class_names, can_unstratify)
    order = np.random.default_rng(seed).permutation(num_examples)
    return np.sort(order[num_val:]), np.sort(order[:num_val])


def _to_dataset(inputs, targets, cast, batch_size) -> tf.data.Dataset:
    """Chains cast, cache, batch and prefetch: the validation and test pipelines."""
    dataset, read_batch = _cast_and_cached(inputs, targets, cast)
    return _without_autotuning(read_batch(dataset.batch(batch_size)).prefetch(tf.data.AUTOTUNE))


def _training_stream(inputs, targets, cast, batch_size, seed, augmenter=None):
    """Returns `train_from_epoch(epoch, epochs)`: the training batches of epochs `epoch` to
    `epochs - 1`.

    Each epoch is shuffled with a seed derived from the run's seed and the epoch's number,
    then batched (and augmented): the order of epoch k depends on nothing but k, so a
    training run resumed at epoch k sees the batches an uninterrupted run would.
    """
    dataset, read_batch = _cast_and_cached(inputs, targets, cast)

    def one_epoch(epoch):
        epoch_seed = tf.cast(seed, tf.int64) * EPOCH_SEED_STRIDE + epoch
        batches = read_batch(dataset.shuffle(len(targets), seed=epoch_seed).batch(batch_size))
        if augmenter is not None:
            batches = batches.map(
                lambda x, y: (augmenter(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE
            )
        return batches

    def train_from_epoch(epoch: int, epochs: int) -> tf.data.Dataset:
        # The stream ends with the run's last epoch, so the prefetch has nothing to shuffle
        # and batch after it, on the cores the evaluation needs.
        stream = tf.data.Dataset.range(epoch, epochs).flat_map(one_epoch)
        return _without_autotuning(stream.prefetch(tf.data.AUTOTUNE))

    return train_from_epoch


def _cast_and_cached(inputs, targets, cast):
    """The examples as a cached dataset, and what turns its batches into input batches.

    Rows kept in a file (`RowsOnDisk`) are not cached in memory: the dataset holds their
    positions, and each batch of positions is read from the file.
    """
    if isinstance(inputs, RowsOnDisk):
        positions = tf.data.Dataset.from_tensor_slices((np.arange(len(inputs)), targets))
        return positions, lambda batches: batches.map(
            lambda batch, y: (cast(_read_rows(inputs, batch)), y),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    dataset = dataset.map(lambda x, y: (cast(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.cache(), _unchanged


def _read_rows(rows: RowsOnDisk, positions: tf.Tensor) -> tf.Tensor:
    batch = tf.numpy_function(rows.read, [positions], tf.as_dtype(rows.dtype), stateful=False)
    batch.set_shape((None, *rows.shape[1:]))
    return batch


def _without_autotuning(dataset: tf.data.Dataset) -> tf.data.Dataset:
    """Turns tf.data's autotuning off: buffers and parallel calls keep their default sizes.

    The autotuning runs in a thread of its own that a deleted iterator waits for: 3 to 20
    seconds at the end of a CNN's `fit` on 2 cores (`IteratorResource::~IteratorResource`
    in a py-spy profile), for no measured gain in speed (README, "Performance").
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)
