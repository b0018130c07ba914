"""The table benchmark's own decisions, without starting kerasmap: its tables, its split, the
scikit-learn models it sets beside kerasmap and its report.

A kerasmap run per table takes longer than a test may; `make bench-tables tables=iris` runs the
benchmark whole.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from benchmark_scripts import script_modules

TABLES = Path(__file__).parents[2] / "benchmarks" / "tables"
MODULES = ("table", "bundled", "generated", "sklearn_models", "report")


@pytest.fixture(scope="module")
def bench():
    """The benchmark's modules, imported as the script run from its folder imports them."""
    yield from script_modules(TABLES, MODULES)


def linear_table(bench, task: str, rows: int = 1000):
    """Three columns of numbers and a target that is a linear function of them (plus a little
    noise): the number itself, its sign as yes/no, or which of three bands it falls in."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 3))
    value = x @ np.array([2.0, -1.0, 0.5]) + rng.normal(0, 0.1, rows)
    targets = {
        "regression": value,
        "binary": np.where(value > 0, "yes", "no"),
        "multiclass": np.digitize(value, [-1, 1]),
    }
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "target": targets[task]})
    return bench.table.Table(f"linear_{task}", frame, target="target", task=task)


@pytest.mark.parametrize(
    ("task", "linear_at_least", "hgb_at_least"),
    [("regression", 0.99, 0.95), ("binary", 0.99, 0.95), ("multiclass", 0.9, 0.9)],
)
def test_both_scikit_learn_models_learn_a_linear_relation(
    bench, task, linear_at_least, hgb_at_least
):
    table = linear_table(bench, task)
    train, test = bench.table.split_table(table)
    # One OpenMP thread: beside the suite's workers, HGB's threads wait on each other for seconds.
    with threadpool_limits(limits=1):
        results = bench.sklearn_models.fit_and_score(table, train, test)
    assert results["linear"]["score"] > linear_at_least  # R^2, ROC AUC or accuracy
    assert results["hgb"]["score"] > hgb_at_least
    assert all(result["fit_s"] > 0 for result in results.values())


def test_the_split_holds_out_a_fifth_with_every_class_in_proportion(bench):
    iris = bench.bundled.bundled_table("iris")
    train, test = bench.table.split_table(iris)
    assert (len(train), len(test)) == (120, 30)
    assert test["target"].value_counts().to_dict() == {0: 10, 1: 10, 2: 10}
    assert set(train.index).isdisjoint(test.index)


def test_the_bundled_tables_are_read_as_a_user_would_hand_them_over(bench):
    tables = {name: bench.bundled.bundled_table(name) for name in bench.bundled.BUNDLED}
    assert {name: table.metric for name, table in tables.items()} == {
        "iris": "accuracy",
        "wine": "accuracy",
        "breast_cancer": "roc_auc",
        "diabetes": "r2",
        "digits": "accuracy",
    }
    assert tables["digits"].num_features == 64
    assert tables["diabetes"].frame["age"].between(19, 79).all()  # years, not scaled


@pytest.fixture(scope="module")
def generated(bench):
    return {name: make() for name, make in bench.generated.GENERATED.items()}


def test_the_generated_tables_have_the_rows_and_targets_their_docstrings_promise(bench, generated):
    shapes = {
        name: (len(table.frame), table.target, table.task) for name, table in generated.items()
    }
    assert shapes == {
        "bike_hires": (8000, "hires", "regression"),
        "customers": (5000, "churned", "binary"),
        "listings": (3000, "rent", "regression"),
        "census": (50_000, "income", "binary"),
    }
    assert set(generated["customers"].frame["churned"]) == {"yes", "no"}
    assert set(generated["census"].frame["income"]) == {">50K", "<=50K"}
    for name, make in bench.generated.GENERATED.items():
        pd.testing.assert_frame_equal(make().frame, generated[name].frame)  # a fixed seed


def test_bike_hires_are_timed_to_the_hour_over_two_years(generated):
    when = generated["bike_hires"].frame["timestamp"]
    assert pd.api.types.is_datetime64_any_dtype(when)
    assert when.is_unique and when.is_monotonic_increasing
    assert set(when.dt.year) == {2022, 2023}
    assert set(when.dt.hour) == set(range(24))
    assert (when.dt.minute == 0).all()


def test_customers_miss_cells_in_numbers_and_categories_and_come_from_many_towns(generated):
    frame = generated["customers"].frame
    missing = frame.isna().mean()
    for column in ("age", "monthly_spend", "plan", "payment_method", "town"):
        assert 0.01 < missing[column] < 0.15, column
    assert missing[["tenure_months", "support_calls", "churned"]].eq(0).all()
    assert 200 < frame["town"].nunique() <= 300


def test_listings_carry_a_free_text_description_and_census_unknown_cells(generated):
    listings = generated["listings"]
    assert listings.text_columns == ("description",)
    assert listings.frame["description"].str.split().str.len().between(3, 8).all()
    assert listings.frame["description"].nunique() > 2900
    census = generated["census"].frame
    assert census.columns[census.isna().any()].tolist() == ["workclass", "occupation"]


def test_every_column_kind_reaches_scikit_learn_in_its_role(bench, generated):
    """Dates become four numbers, booleans numbers, strings categories, text a bag of words."""
    roles = {
        name: bench.sklearn_models.features(table.frame.head(50), table)
        for name, table in generated.items()
    }
    bike_columns, bike_roles = roles["bike_hires"]
    date_parts = [f"timestamp_{part}" for part in ("days", "month", "weekday", "hour")]
    assert bike_roles["numbers"][:4] == date_parts
    assert "holiday" in bike_roles["numbers"] and "timestamp" not in bike_columns
    assert bike_columns["timestamp_hour"].between(0, 23).all()
    assert roles["customers"][1]["categories"] == ["plan", "payment_method", "town"]
    assert roles["listings"][1] == {
        "numbers": ["bedrooms", "size_m2", "floor"],
        "categories": ["area"],
        "text": ["description"],
    }


def test_boosting_keeps_a_category_of_over_255_levels_as_ordinal_codes(bench):
    rows = 600
    frame = pd.DataFrame(
        {
            "town": [f"town {number}" for number in range(rows)],
            "plan": ["basic", "premium", "standard"] * (rows // 3),
            "target": np.arange(rows) % 2,
        }
    )
    table = bench.table.Table("towns", frame, target="target", task="binary")
    inputs, roles = bench.sklearn_models.features(frame, table)
    model = bench.sklearn_models.boosting_model(roles, "binary", inputs)
    assert roles["categories"] == ["town", "plan"]
    assert model[-1].categorical_features == [1]  # plan only


def figures(table: str, kerasmap: float, linear: float, hgb: float) -> dict:
    """One table's record, with made-up figures, as far as the report reads it."""
    return {
        "table": table,
        "rows": 1000,
        "columns": 4,
        "task": "binary",
        "metric": "roc_auc",
        "kerasmap": kerasmap,
        "linear": linear,
        "hgb": hgb,
        "kerasmap_train_s": math.nan if math.isnan(kerasmap) else 12.0,
        "kerasmap_wall_s": 20.0,
        "linear_fit_s": 0.1,
        "hgb_fit_s": 0.5,
    }


RECORDS = [
    figures("behind", kerasmap=0.90, linear=0.95, hgb=0.96),
    figures("close", kerasmap=0.80, linear=0.805, hgb=0.85),  # 0.005 below: not behind
    figures("ahead", kerasmap=0.70, linear=0.60, hgb=0.65),
    figures("failed", kerasmap=math.nan, linear=0.50, hgb=0.50),
]


def test_the_summary_averages_the_tables_kerasmap_finished_and_names_those_it_trails(bench):
    assert bench.report.summary_line(RECORDS) == (
        "Means over 3 tables: kerasmap 0.8000, linear 0.7850, HGB 0.8200. "
        "kerasmap is more than 0.01 below the linear model on 1 of 3 tables (behind). "
        "kerasmap failed on: failed."
    )
    assert bench.report.summary_line(RECORDS[1:3]) == (
        "Means over 2 tables: kerasmap 0.7500, linear 0.7025, HGB 0.7500. "
        "kerasmap is more than 0.01 below the linear model on 0 of 2 tables."
    )


def test_a_figure_not_measured_reads_as_a_dash_and_as_null(bench, tmp_path):
    table = bench.report.markdown_table(RECORDS)
    failed_row = table.splitlines()[-1].split("|")
    assert failed_row[1].strip() == "failed"
    assert failed_row[6].strip() == "-" and failed_row[7].strip() == "0.5000"
    bench.report.write_results(tmp_path, "text", RECORDS, {"minutes": 3.0})
    written = json.loads((tmp_path / "figures.json").read_text())
    assert written["minutes"] == 3.0
    assert written["tables"][3]["kerasmap"] is None
    assert written["tables"][0]["kerasmap"] == 0.90
