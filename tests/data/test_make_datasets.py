import numpy as np
import pytest

from kerasmap.data.arrays import ArraySplits
from kerasmap.data.pipeline import make_datasets, split_validation
from kerasmap.errors import ConfigError

TOKENS = {"task": "multiclass", "modality": "tokens"}
IMAGES = {"task": "multiclass", "modality": "image"}
FEATURES = {"task": "binary", "modality": "features"}


def token_splits(num_train: int = 100, class_names: tuple[str, ...] = ("a", "b", "c")):
    """Splits whose single token is the example's index, so examples can be traced."""
    return ArraySplits(
        x_train=np.arange(num_train, dtype=np.int32).reshape(-1, 1),
        y_train=np.arange(num_train) % 3,
        x_test=np.arange(1000, 1010, dtype=np.int32).reshape(-1, 1),
        y_test=np.arange(10) % 3,
        class_names=class_names,
        fingerprint="tokens",
        vocab_size=2000,
    )


def image_splits() -> ArraySplits:
    rng = np.random.default_rng(0)
    return ArraySplits(
        x_train=rng.integers(0, 256, (40, 8, 8, 3), dtype=np.uint8),
        y_train=rng.integers(0, 10, 40, dtype=np.uint8),
        x_test=rng.integers(0, 256, (12, 8, 8, 3), dtype=np.uint8),
        y_test=rng.integers(0, 10, 12, dtype=np.uint8),
        class_names=tuple("0123456789"),
        fingerprint="images",
    )


def feature_splits() -> ArraySplits:
    rng = np.random.default_rng(0)
    return ArraySplits(
        x_train=rng.normal(5.0, 2.0, (200, 3)).astype(np.float32),
        y_train=rng.integers(0, 2, 200),
        x_test=rng.normal(50.0, 1.0, (20, 3)).astype(np.float32),
        y_test=rng.integers(0, 2, 20),
        class_names=("no", "yes"),
        fingerprint="features",
    )


def inputs_of(dataset) -> np.ndarray:
    return np.concatenate([inputs.numpy() for inputs, _ in dataset])


def test_validation_split_is_disjoint_and_sized():
    bundle = make_datasets(token_splits(100), **TOKENS, batch_size=16, seed=0, val_fraction=0.2)

    train_ids, val_ids = inputs_of(bundle.train)[:, 0], inputs_of(bundle.val)[:, 0]
    assert (bundle.num_train, bundle.num_val, bundle.num_test) == (80, 20, 10)
    assert len(train_ids) == 80 and len(val_ids) == 20
    assert not set(train_ids) & set(val_ids)
    assert sorted([*train_ids, *val_ids]) == list(range(100))
    assert max(len(inputs) for inputs, _ in bundle.train) == 16


def test_validation_split_depends_only_on_seed():
    first = make_datasets(token_splits(), **TOKENS, batch_size=8, seed=1, val_fraction=0.3)
    again = make_datasets(token_splits(), **TOKENS, batch_size=32, seed=1, val_fraction=0.3)
    other = make_datasets(token_splits(), **TOKENS, batch_size=8, seed=2, val_fraction=0.3)

    np.testing.assert_array_equal(inputs_of(first.val), inputs_of(again.val))
    assert set(inputs_of(first.val)[:, 0]) != set(inputs_of(other.val)[:, 0])


def epoch(bundle, number):
    """The batches of one epoch from the bundle's epoch-indexed training stream."""
    return bundle.train_from_epoch(number, number + 1)


def test_training_order_is_seeded_and_reshuffled_every_epoch():
    bundle = make_datasets(token_splits(), **TOKENS, batch_size=10, seed=4, val_fraction=0.2)
    again = make_datasets(token_splits(), **TOKENS, batch_size=10, seed=4, val_fraction=0.2)

    first_epoch, second_epoch = inputs_of(bundle.train), inputs_of(epoch(bundle, 1))
    np.testing.assert_array_equal(first_epoch, inputs_of(again.train))
    np.testing.assert_array_equal(first_epoch, inputs_of(bundle.train))
    np.testing.assert_array_equal(second_epoch, inputs_of(epoch(again, 1)))
    assert not np.array_equal(first_epoch, second_epoch)
    assert not np.array_equal(first_epoch[:, 0], np.sort(first_epoch[:, 0]))
    np.testing.assert_array_equal(inputs_of(bundle.val), inputs_of(bundle.val))


def test_limit_keeps_the_first_training_examples():
    bundle = make_datasets(
        token_splits(), **TOKENS, batch_size=8, seed=0, val_fraction=0.1, limit=30
    )

    ids = np.concatenate([inputs_of(bundle.train), inputs_of(bundle.val)])[:, 0]
    assert (bundle.num_train, bundle.num_val) == (27, 3)
    assert sorted(ids) == list(range(30))
    assert bundle.num_test == 10


def test_images_reach_the_model_as_stored_and_its_first_layer_scales_them():
    splits = image_splits()
    bundle = make_datasets(splits, **IMAGES, batch_size=8, seed=0, val_fraction=0.25)

    test_inputs = inputs_of(bundle.test)
    assert test_inputs.dtype == np.float32 and test_inputs.shape == (12, 8, 8, 3)
    np.testing.assert_array_equal(test_inputs, splits.x_test)
    scaled = np.asarray(bundle.preprocessor(inputs_of(bundle.train)))
    assert 0.0 <= scaled.min() and scaled.max() <= 1.0
    np.testing.assert_allclose(bundle.preprocessor(test_inputs), splits.x_test / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(bundle.input_example, splits.x_test[:5])
    assert bundle.input_example.dtype == np.uint8
    assert (bundle.input_shape, bundle.num_classes) == ((8, 8, 3), 10)
    assert (bundle.modality, bundle.input_kind, bundle.fingerprint) == ("image", "image", "images")


def test_features_are_standardised_inside_the_model_with_training_statistics_only():
    splits = feature_splits()
    bundle = make_datasets(splits, **FEATURES, batch_size=32, seed=3, val_fraction=0.25)

    train_index, _ = split_validation(200, 0.25, seed=3)
    mean, std = splits.x_train[train_index].mean(0), splits.x_train[train_index].std(0)
    standardised = np.asarray(bundle.preprocessor(inputs_of(bundle.train)))
    np.testing.assert_allclose(standardised.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(standardised.std(0), 1.0, atol=1e-5)
    test_inputs = inputs_of(bundle.test)
    np.testing.assert_allclose(test_inputs, splits.x_test)
    np.testing.assert_allclose(
        bundle.preprocessor(test_inputs), (splits.x_test - mean) / std, rtol=1e-5
    )
    np.testing.assert_allclose(bundle.input_example, splits.x_test[:5])


@pytest.mark.parametrize(
    ("task", "class_names", "target_dtype", "num_classes"),
    [
        ("multiclass", ("a", "b", "c"), np.int32, 3),
        ("binary", ("no", "yes"), np.float32, 2),
        ("regression", (), np.float32, 1),
    ],
)
def test_target_dtypes_follow_the_task(task, class_names, target_dtype, num_classes):
    splits = token_splits(class_names=class_names)

    bundle = make_datasets(
        splits, task=task, modality="tokens", batch_size=8, seed=0, val_fraction=0.1
    )

    inputs, targets = next(iter(bundle.test))
    assert targets.dtype.as_numpy_dtype == target_dtype
    assert inputs.dtype.as_numpy_dtype == np.int32
    assert bundle.num_classes == num_classes
    assert (bundle.vocab_size, bundle.input_shape) == (2000, (1,))


def test_augment_changes_only_image_training_batches():
    plain = make_datasets(image_splits(), **IMAGES, batch_size=8, seed=0, val_fraction=0.25)
    augmented = make_datasets(
        image_splits(), **IMAGES, batch_size=8, seed=0, val_fraction=0.25, augment=True
    )

    augmented_train = inputs_of(augmented.train)
    assert augmented_train.shape == (30, 8, 8, 3)
    assert not np.allclose(augmented_train, inputs_of(plain.train))
    np.testing.assert_array_equal(inputs_of(augmented.val), inputs_of(plain.val))
    np.testing.assert_array_equal(inputs_of(augmented.test), inputs_of(plain.test))
    np.testing.assert_array_equal(augmented.input_example, plain.input_example)


def test_augment_leaves_non_image_data_alone():
    plain = make_datasets(feature_splits(), **FEATURES, batch_size=8, seed=0, val_fraction=0.25)
    augmented = make_datasets(
        feature_splits(), **FEATURES, batch_size=8, seed=0, val_fraction=0.25, augment=True
    )

    np.testing.assert_array_equal(inputs_of(augmented.train), inputs_of(plain.train))


# The schema checks each value's range; what is left here depends on the dataset's size.
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"val_fraction": 0.999}, r"at least one of the 100 training examples"),
        ({"val_fraction": 0.001}, r"Received: data.val_fraction=0.001, data.limit=None$"),
        ({"val_fraction": 0.1, "limit": 2}, r"of the 2 .*data.val_fraction=0.1, data.limit=2$"),
    ],
)
def test_validation_split_that_leaves_a_split_empty(options, message):
    with pytest.raises(ConfigError, match=message):
        make_datasets(token_splits(), **TOKENS, batch_size=8, seed=0, **options)


@pytest.mark.parametrize("seed", [0, 2**31 - 1, 7])
def test_every_seed_streams_its_epochs(seed):
    from kerasmap.training.seeding import seed_everything

    seed_everything(seed)
    bundle = make_datasets(image_splits(), **IMAGES, batch_size=8, seed=seed, val_fraction=0.25)

    assert len(inputs_of(bundle.train_from_epoch(0, 2))) == 2 * bundle.num_train
