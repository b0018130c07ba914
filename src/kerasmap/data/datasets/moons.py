"""Two interleaving half circles: a small 2-D binary classification problem."""

import numpy as np

from kerasmap.data.arrays import ArraySplits
from kerasmap.data.fingerprint import fingerprint_settings

CLASS_NAMES = ("upper", "lower")


def load_moons(
    *, num_samples: int, noise: float, seed: int, test_fraction: float = 0.2
) -> ArraySplits:
    """Generates two interleaving half circles, like `sklearn.datasets.make_moons`.

    The upper half circle (class 0) has radius 1 around the origin; the lower
    one (class 1) is shifted to `(1, 0.5)` and opens upwards. Gaussian noise
    is added to every point, then the points are shuffled and split.

    Args:
        num_samples: Total number of points, split evenly between the classes.
        noise: Standard deviation of the Gaussian noise.
        seed: Seed for the noise, the shuffle and the split.
        test_fraction: Fraction of the points held out as the test split.
            Defaults to `0.2`.

    Returns:
        `ArraySplits` with `float32` features of shape `(n, 2)` and labels 0 or 1.
    """
    num_test = round(num_samples * test_fraction)
    points, labels = _half_circles(num_samples)
    rng = np.random.default_rng(seed)
    points = (points + rng.normal(scale=noise, size=points.shape)).astype(np.float32)
    order = rng.permutation(num_samples)
    test, train = order[:num_test], order[num_test:]
    settings = dict(
        name="moons", num_samples=num_samples, noise=noise, seed=seed, test_fraction=test_fraction
    )
    return ArraySplits(
        x_train=points[train],
        y_train=labels[train],
        x_test=points[test],
        y_test=labels[test],
        class_names=CLASS_NAMES,
        fingerprint=fingerprint_settings(settings),
    )


def _half_circles(num_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Places the points of both half circles evenly, before noise, with their labels."""
    num_upper = num_samples // 2
    upper = np.linspace(0, np.pi, num_upper)
    lower = np.linspace(0, np.pi, num_samples - num_upper)
    points = np.concatenate(
        [
            np.stack([np.cos(upper), np.sin(upper)], axis=1),
            np.stack([1 - np.cos(lower), 0.5 - np.sin(lower)], axis=1),
        ]
    )
    labels = np.repeat(np.array([0, 1], dtype=np.int32), [num_upper, num_samples - num_upper])
    return points, labels
