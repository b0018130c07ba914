"""The side-by-side benchmark's arithmetic and its data split, without training anything.

The harness itself starts a kerasmap run, which takes longer than a test may; `make bench
bench=quick` runs it whole.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from kerasmap.data.pipeline import split_validation

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary():
    return load("summary")


def record(framework, family, repeat, rates, val_accuracies, start=100.0, wall=20.0):
    """A run that started at `start`, its first epoch 5 s later, each epoch 2 s long."""
    epochs = [
        {
            "start": start + 5 + 2 * index,
            "seconds": 2.0,
            "samples_per_second": rate,
            "val_accuracy": accuracy,
        }
        for index, (rate, accuracy) in enumerate(zip(rates, val_accuracies, strict=True))
    ]
    return {
        "framework": framework,
        "family": family,
        "repeat": repeat,
        "start": start,
        "wall_s": wall,
        "peak_rss_mb": 500.0,
        "epochs": epochs,
        "test_accuracy": 0.9,
    }


def test_a_runs_figures_leave_out_the_first_epoch_and_time_from_the_command(summary):
    figures = summary.run_figures(record("keras", "mlp", 0, [10, 100, 300], [0.5, 0.9, 0.95]), 0.88)
    assert figures["samples_per_s"] == 200  # median of epochs 2 and 3
    assert figures["startup_s"] == 5
    assert figures["time_to_target_s"] == 9  # the end of epoch 2, counted from the command
    assert figures["finish_s"] == 9  # 20 s in all, the last epoch ending 11 s in


def test_a_target_never_reached_has_no_time(summary):
    figures = summary.run_figures(record("keras", "cnn", 0, [1, 2], [0.5, 0.6]), 0.91)
    assert math.isnan(figures["time_to_target_s"])


def test_the_table_shows_median_min_max_and_kerasmaps_ratio(summary):
    runs = [
        record("kerasmap", "mlp", repeat, [1, rate, rate], [0.9] * 3)
        for repeat, rate in enumerate([900, 1000, 1300])
    ]
    runs += [record("keras", "mlp", repeat, [1, 500, 500], [0.9] * 3) for repeat in range(3)]
    runs.append({"framework": "keras", "family": "mlp", "repeat": 3, "error": "failed"})
    frame = summary.figures_frame(runs, {"mlp": 0.88})
    table = summary.summary_table(frame, ["mlp"], {"mlp": 0.88}, {"torch": "not installed"})
    throughput = table.iloc[0]
    assert throughput["kerasmap"] == "1,000 (900-1,300)"
    assert throughput["bare Keras 3"] == "500 (500-500)"
    assert throughput["kerasmap ÷ bare Keras 3"] == "2.00x"
    assert throughput["PyTorch"] == "not installed" and throughput["kerasmap ÷ PyTorch"] == ""
    assert "88%" in table.iloc[3]["figure"] and len(table) == len(summary.FIGURES)


@pytest.mark.parametrize("num_examples, limit", [(60_000, None), (6_000, 6_000), (37, 37)])
def test_the_bare_scripts_split_the_data_as_kerasmap_does(num_examples, limit):
    bench_split = load("fashion_data").validation_split(num_examples, 0.1, 42)
    kerasmap_split = split_validation(num_examples, 0.1, 42, limit)
    for ours, theirs in zip(bench_split, kerasmap_split, strict=True):
        np.testing.assert_array_equal(ours, theirs)
