"""A user's own table: read, its column types inferred, its task decided, split into rows."""

import numpy as np
import pandas as pd
import pytest

from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.data.datasets.table import load_table
from kerasmap.data.splits import fold_split, stratified_split
from kerasmap.data.tables import decide_task, infer_column_types, read_table
from kerasmap.errors import ConfigError, DataError
from kerasmap.serving.pyfunc_model import column_to_array

from own_files import HOMES_TYPES, homes_table, write_table


def write_semicolons(path, frame):
    """A CSV as spreadsheets in many locales save it: `;` between the cells."""
    frame.to_csv(path, index=False, sep=";")
    return path


def write_tabs(path, frame):
    """Tab-separated cells in a file named `.csv`: only the content tells the delimiter."""
    frame.to_csv(path, index=False, sep="\t")
    return path


@pytest.mark.parametrize(
    "name, write",
    [
        ("homes.csv", write_table),
        ("homes.tsv", write_table),
        ("homes.parquet", write_table),
        ("tabs.csv", write_tabs),
        ("semicolons.csv", write_semicolons),
    ],
)
def test_read_table_reads_every_format_into_the_same_frame(tmp_path, name, write):
    frame = homes_table(rows=30)

    read = read_table(write(tmp_path / name, frame))

    pd.testing.assert_frame_equal(read, frame)


def test_column_types_are_inferred_from_the_values():
    assert infer_column_types(homes_table(), {}) == HOMES_TYPES


def test_a_given_column_type_wins_over_the_inferred_one():
    types = infer_column_types(homes_table(), {"rooms": "numeric"})

    assert types == {**HOMES_TYPES, "rooms": "numeric"}


def test_a_column_type_for_an_unknown_column_names_the_columns():
    message = (
        r"unknown column in `data.column_types`, expected one of the feature columns "
        r"age, city, rooms, member, joined, notes, price, band\. Received: size=numeric"
    )
    with pytest.raises(ConfigError, match=message):
        infer_column_types(homes_table(), {"size": "numeric"})


HOMES = homes_table()
REGION = pd.Series(np.array(["north", "south", "west"])[np.arange(240) % 3], name="region")


@pytest.mark.parametrize(
    "target, requested, task, reason",
    [
        (
            HOMES.price,
            "auto",
            "regression",
            f"the target is numeric with {HOMES.price.nunique()} distinct values",
        ),
        (HOMES.band, "auto", "binary", "the target has 2 distinct values"),
        (REGION, "auto", "multiclass", "the target has 3 distinct values"),
        (HOMES.rooms, "auto", "multiclass", "the target has 4 distinct values"),
        (HOMES.price, "multiclass", "multiclass", "data.task=multiclass"),
        (HOMES.band, "binary", "binary", "data.task=binary"),
    ],
    ids=["many-numbers", "two-words", "three-words", "few-integers", "given", "given-again"],
)
def test_the_task_is_decided_from_the_target_unless_given(target, requested, task, reason):
    assert decide_task(target, requested) == (task, reason)


def load(path, *overrides: str):
    """`load_table` with the options the real config composes for `data=table`."""
    arguments = ["data=table", f"data.path={path}", "data.target=band", *overrides]
    settings = load_settings(compose_config(arguments))
    return load_table(**settings.data.loader_options(), seed=settings.seed)


def notes_of(inputs) -> list[str]:
    """The rows of a split, named by their `notes` cell (unique to each row of `homes`)."""
    return sorted(inputs["notes"][:, 0])


def test_rows_without_a_target_are_left_out_with_a_warning_that_counts_them(tmp_path, caplog):
    frame = homes_table(rows=100)
    frame.loc[[3, 50, 97], "band"] = None

    splits = load(write_table(tmp_path / "homes.csv", frame))

    assert len(splits.y_train) + len(splits.y_test) == 97
    assert "3 of 100 rows of data.path have no band; they are left out." in caplog.messages


def test_the_test_split_is_seeded(tmp_path):
    path = write_table(tmp_path / "homes.csv")

    quarter = "data.test_fraction=0.25"
    first, again = load(path, "seed=3", quarter), load(path, "seed=3", quarter)
    other = load(path, "seed=4", quarter)

    assert notes_of(first.x_test) == notes_of(again.x_test)
    assert notes_of(first.x_test) != notes_of(other.x_test)
    assert not set(notes_of(first.x_test)) & set(notes_of(first.x_train))
    assert (len(first.y_train), len(first.y_test)) == (180, 60)


def test_a_stratified_test_split_keeps_the_class_proportions(tmp_path):
    frame = homes_table(rows=200)
    sizes = {"common": 110, "usual": 60, "rare": 30}
    frame["band"] = np.repeat(list(sizes), list(sizes.values()))

    splits = load(write_table(tmp_path / "homes.csv", frame), "data.stratify=true")

    held_out = dict(zip(splits.class_names, np.bincount(splits.y_test), strict=True))
    for name, size in sizes.items():
        assert abs(held_out[name] - len(splits.y_test) * size / len(frame)) <= 1


def test_a_test_file_is_used_as_given(tmp_path):
    frame = homes_table()
    train = write_table(tmp_path / "train.csv", frame[:180])
    test = write_table(tmp_path / "test.csv", frame[180:])

    splits = load(train, f"data.test_path={test}")

    assert len(splits.y_train) == 180
    np.testing.assert_array_equal(splits.x_test["notes"][:, 0], frame.notes[180:])


@pytest.mark.parametrize(
    "overrides, columns",
    [
        ([], ["age", "city", "rooms", "member", "joined", "notes", "price"]),
        (["data.features=[age,rooms]"], ["age", "rooms"]),
        (["data.drop=[notes,price]"], ["age", "city", "rooms", "member", "joined"]),
        (["data.features=[age,city,price]", "data.drop=[price]"], ["age", "city"]),
    ],
    ids=["every-other-column", "features", "drop", "features-then-drop"],
)
def test_features_and_drop_choose_the_columns(tmp_path, overrides, columns):
    splits = load(write_table(tmp_path / "homes.csv", homes_table(rows=60)), *overrides)

    assert list(splits.x_train) == columns
    assert list(splits.description["column_types"]) == columns


@pytest.mark.parametrize(
    "values, column_type, expected",
    [
        (["1970-01-02", "2020-01-01", None], "datetime", [1.0, 18262.0, np.nan]),
        ([1.5, None, -2.0], "numeric", [1.5, np.nan, -2.0]),
        (["yes", "no", None], "boolean", [1.0, 0.0, np.nan]),
    ],
    ids=["date-as-days-since-1970", "missing-number", "words-of-truth"],
)
def test_a_column_becomes_one_float_input(values, column_type, expected):
    array = column_to_array(pd.Series(values, name="cell"), column_type)

    assert array.dtype == np.float32
    np.testing.assert_array_equal(array, np.array(expected, dtype=np.float32).reshape(-1, 1))


def test_class_names_are_the_sorted_target_values_as_text(tmp_path):
    frame = homes_table(rows=60)
    frame["band"] = np.arange(60) % 3 * 4 + 2  # 2, 6 and 10: text sorts 10 first

    splits = load(write_table(tmp_path / "homes.csv", frame), "data.task=multiclass")

    assert splits.class_names == ("10", "2", "6")
    codes = frame.band.map({10: 0, 2: 1, 6: 2})
    np.testing.assert_array_equal(
        splits.y_test, codes[np.isin(frame.notes, notes_of(splits.x_test))]
    )


LABELS = np.repeat(["a", "b", "c"], [50, 30, 20]).astype(object)


def test_stratified_split_holds_out_a_share_of_each_class():
    kept, held_out = stratified_split(LABELS, 20, seed=0)

    assert (len(kept), len(held_out)) == (80, 20)
    assert sorted([*kept, *held_out]) == list(range(100))
    assert list(np.unique(LABELS[held_out], return_counts=True)[1]) == [10, 6, 4]
    np.testing.assert_array_equal(stratified_split(LABELS, 20, seed=0)[1], held_out)


@pytest.mark.parametrize(
    "labels, held_out, message",
    [
        (
            np.array(["a"] * 9 + ["b"], dtype=object),
            3,
            r"The class 'b' has 1 examples, too few to keep all 2",
        ),
        (LABELS, 2, r"too few to keep all 3 classes in both parts when 2 of 100 examples"),
        (LABELS, 98, r"too few to keep all 3 classes in both parts when 98 of 100 examples"),
    ],
    ids=["a-class-of-one", "fewer-held-out-than-classes", "fewer-kept-than-classes"],
)
def test_stratified_split_refuses_a_class_too_small(labels, held_out, message):
    with pytest.raises(DataError, match=message + r".*set data\.stratify=false\.$"):
        stratified_split(labels, held_out, seed=0, can_unstratify=True)


def test_a_class_too_small_is_named_and_the_way_out_fits_the_data():
    labels = np.array([0] * 9 + [1])
    with pytest.raises(DataError, match=r"^The class 'cat' has 1 examples.*add examples of it\.$"):
        stratified_split(labels, 3, seed=0, class_names=("dog", "cat"))


@pytest.mark.parametrize("labels", [None, LABELS], ids=["shuffled", "stratified"])
def test_fold_split_validates_on_each_example_once(labels):
    folds = [fold_split(100, fold, 5, seed=0, labels=labels) for fold in range(5)]

    for train, val in folds:
        assert (len(train), len(val)) == (80, 20)
        assert not set(train) & set(val)
    assert sorted(index for _, val in folds for index in val) == list(range(100))
    if labels is not None:
        for _, val in folds:
            assert list(np.unique(labels[val], return_counts=True)[1]) == [10, 6, 4]


def test_fold_split_refuses_a_class_smaller_than_the_folds():
    labels = np.repeat(["a", "b"], [20, 3]).astype(object)
    message = r"The class 'b' has 3 training examples, too few for trainer\.folds=4 stratified"
    with pytest.raises(DataError, match=message):
        fold_split(23, 0, 4, seed=0, labels=labels)


def test_fold_split_refuses_more_folds_than_examples():
    with pytest.raises(ConfigError, match=r"`trainer\.folds`, expected at most the 3 training"):
        fold_split(3, 0, 5, seed=0)


def test_a_column_name_with_a_slash_reaches_the_model():
    from kerasmap.data.raw_inputs import table_preprocessor
    from kerasmap.serving.pyfunc_model import table_to_inputs

    frame = pd.DataFrame({"od280/od315": [1.0, 2.0, 4.0], "hue": [0.5, 0.7, 0.9]})
    types = {"od280/od315": "numeric", "hue": "numeric"}
    inputs = table_to_inputs(frame, types)

    features = table_preprocessor(inputs, types).predict(inputs, verbose=0)

    assert features.shape == (3, 2)
    np.testing.assert_allclose(features.mean(axis=0), 0.0, atol=1e-6)


@pytest.mark.parametrize(
    ("dates", "width"),
    [
        (["2024-01-01", "2024-03-05", "2024-07-09"], 5),  # elapsed days, weekday, day of year
        (["2024-01-01 08:00", "2024-01-01 17:30", "2024-01-02 23:15"], 7),  # and time of day
    ],
)
def test_dates_with_times_also_give_the_time_of_day(dates, width):
    from kerasmap.data.raw_inputs import table_preprocessor
    from kerasmap.serving.pyfunc_model import table_to_inputs

    types = {"when": "datetime"}
    inputs = table_to_inputs(pd.DataFrame({"when": dates}), types)

    features = table_preprocessor(inputs, types).predict(inputs, verbose=0)

    assert features.shape == (3, width)
    if width == 7:  # 08:00 is a third of the way round the day
        hour_angle = np.arctan2(features[0, -2], features[0, -1]) % (2 * np.pi)
        assert hour_angle == pytest.approx(2 * np.pi / 3, abs=1e-2)
