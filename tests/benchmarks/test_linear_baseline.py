"""The linear baseline of the README's table results, run on a small table of numbers."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "linear_baseline.py"


@pytest.fixture(scope="module")
def linear_baseline():
    spec = importlib.util.spec_from_file_location("linear_baseline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def numbers_table(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    value = x @ np.array([2.0, -1.0, 0.5]) + rng.normal(0, 0.1, rows)
    return pd.DataFrame(
        {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "value": value, "sign": value > 0}
    )


def test_regression_on_a_linear_table_explains_almost_everything(linear_baseline, tmp_path, capsys):
    path = tmp_path / "numbers.csv"
    numbers_table().drop(columns="sign").to_csv(path, index=False)
    linear_baseline.main(str(path), "value")
    printed = capsys.readouterr().out
    assert "LinearRegression" in printed and "(regression)" in printed
    r2 = float(printed.split("test_r2")[1].split()[0])
    assert r2 > 0.99


def test_classification_reports_accuracy_and_auc(linear_baseline, tmp_path, capsys):
    path = tmp_path / "numbers.csv"
    numbers_table().drop(columns="value").to_csv(path, index=False)
    linear_baseline.main(str(path), "sign")
    printed = capsys.readouterr().out
    assert "LogisticRegression" in printed and "(binary)" in printed
    assert float(printed.split("test_accuracy")[1].split()[0]) > 0.9
    assert "test_auc" in printed


def test_a_column_of_words_is_refused_with_its_name(linear_baseline, tmp_path):
    path = tmp_path / "words.csv"
    frame = numbers_table().drop(columns="value")
    frame["colour"] = np.where(frame["a"] > 0, "red", "blue")
    frame["notes"] = [f"free text number {index}" for index in range(len(frame))]
    frame.to_csv(path, index=False)
    with pytest.raises(SystemExit, match="notes"):
        linear_baseline.main(str(path), "sign")
