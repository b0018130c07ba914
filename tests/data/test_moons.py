import numpy as np
import pytest

from kerasmap.data.datasets.moons import load_moons

SETTINGS = {"num_samples": 50, "noise": 0.2}


def test_shapes_dtypes_and_metadata():
    splits = load_moons(num_samples=100, noise=0.1, seed=3, test_fraction=0.25)

    assert splits.x_train.shape == (75, 2) and splits.x_test.shape == (25, 2)
    assert splits.x_train.dtype == np.float32
    assert sorted(np.unique(np.concatenate([splits.y_train, splits.y_test]))) == [0, 1]
    assert splits.class_names == ("upper", "lower")


def test_noise_free_points_lie_on_the_two_half_circles():
    splits = load_moons(num_samples=40, noise=0.0, seed=0)
    x = np.concatenate([splits.x_train, splits.x_test])
    y = np.concatenate([splits.y_train, splits.y_test])

    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-6)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 0.5).all()
    assert len(upper) == len(lower) == 20


def test_same_settings_give_same_data_and_fingerprint():
    first, second = load_moons(**SETTINGS, seed=5), load_moons(**SETTINGS, seed=5)
    other = load_moons(**SETTINGS, seed=6)

    np.testing.assert_array_equal(first.x_train, second.x_train)
    assert first.fingerprint == second.fingerprint
    assert other.fingerprint != first.fingerprint
    assert not np.array_equal(other.x_train, first.x_train)
    assert (len(first.x_train), len(first.x_test)) == (40, 10)  # test_fraction defaults to 0.2


@pytest.mark.parametrize(
    "change", [{"num_samples": 60}, {"noise": 0.3}, {"test_fraction": 0.5}], ids=str
)
def test_every_generator_setting_changes_the_fingerprint(change):
    baseline = load_moons(**SETTINGS, seed=5)

    changed = load_moons(**(SETTINGS | change), seed=5)

    assert changed.fingerprint != baseline.fingerprint
