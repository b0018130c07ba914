"""A seeded split of examples that keeps the class proportions."""

import numpy as np

from kerasmap.errors import ConfigError, DataError


def stratified_split(
    labels: np.ndarray,
    held_out: int,
    seed: int,
    class_names: tuple[str, ...] = (),
    can_unstratify: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Holds out `held_out` examples so that both parts keep the class proportions.

    Args:
        labels: Each example's class.
        held_out: How many examples to hold out.
        seed: Seed of the split.
        class_names: The name of each class id, for the error message. Defaults to `()`.
        can_unstratify: Whether `data.stratify=false` is a way out, for the message.
            Defaults to `False`.

    Returns:
        `(kept, held_out)`: sorted indices.

    Raises:
        DataError: If a class has too few examples to appear in both parts.
    """
    from sklearn.model_selection import train_test_split

    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < 2 or held_out < len(classes) or len(labels) - held_out < len(classes):
        rare = _name(classes[counts.argmin()], class_names)
        raise DataError(
            f"The class {rare} has {counts.min()} examples, too few to keep all {len(classes)} "
            f"classes in both parts when {held_out} of {len(labels)} examples are held out; "
            f"add examples of it{', or set data.stratify=false' if can_unstratify else ''}."
        )
    kept, held = train_test_split(
        np.arange(len(labels)), test_size=held_out, random_state=seed, stratify=labels
    )
    return np.sort(kept), np.sort(held)


def _name(label, class_names: tuple[str, ...]) -> str:
    """A class as a message names it: its name in quotes when known."""
    if class_names and isinstance(label, int | np.integer) and 0 <= label < len(class_names):
        return repr(class_names[int(label)])
    return repr(label.item() if isinstance(label, np.generic) else label)


def fold_split(
    num_examples: int,
    fold: int,
    folds: int,
    seed: int,
    labels: np.ndarray | None = None,
    class_names: tuple[str, ...] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """The training and validation examples of fold `fold` of a seeded K-fold split.

    Args:
        num_examples: How many examples to split.
        fold: Which fold is the validation part, `0 <= fold < folds`.
        folds: K.
        seed: Seed of the shuffle before splitting.
        labels: Each example's class; when given, every fold keeps the class proportions.
        class_names: The name of each class id, for the error message.

    Raises:
        ConfigError: If there are fewer examples than folds.
        DataError: If a class has fewer examples than folds.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    if num_examples < folds:
        raise ConfigError(
            f"Received an invalid value for `trainer.folds`, expected at most the "
            f"{num_examples} training examples. Received: trainer.folds={folds}"
        )
    if labels is None:
        splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    else:
        classes, counts = np.unique(labels, return_counts=True)
        if counts.min() < folds:
            rare = _name(classes[counts.argmin()], class_names)
            raise DataError(
                f"The class {rare} has {counts.min()} training examples, too few for "
                f"trainer.folds={folds} stratified folds; use fewer folds, or add examples of it."
            )
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    train, val = list(splitter.split(np.zeros(num_examples), labels))[fold]
    return np.sort(train), np.sort(val)
