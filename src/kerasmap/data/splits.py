"""A seeded split of examples that keeps the class proportions."""

import numpy as np

from kerasmap.errors import DataError


def stratified_split(labels: np.ndarray, held_out: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Holds out `held_out` examples so that both parts keep the class proportions.

    Args:
        labels: Each example's class.
        held_out: How many examples to hold out.
        seed: Seed of the split.

    Returns:
        `(kept, held_out)`: sorted indices.

    Raises:
        DataError: If a class has too few examples to appear in both parts.
    """
    from sklearn.model_selection import train_test_split

    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < 2 or held_out < len(classes) or len(labels) - held_out < len(classes):
        rare = classes[counts.argmin()]
        raise DataError(
            f"The class {rare!r} has {counts.min()} examples, too few to keep all {len(classes)} "
            f"classes in both parts when {held_out} of {len(labels)} examples are held out; "
            f"add examples, or set data.stratify=false."
        )
    kept, held = train_test_split(
        np.arange(len(labels)), test_size=held_out, random_state=seed, stratify=labels
    )
    return np.sort(kept), np.sort(held)
