"""Metrics summed batch by batch equal the same metrics computed on everything at once."""

import numpy as np
import pytest

from kerasmap.evaluation.evaluate import regression_metrics
from kerasmap.evaluation.running_metrics import RunningClassification, RunningRegression


def test_regression_in_batches_equals_regression_at_once():
    rng = np.random.default_rng(0)
    targets, predictions = rng.normal(50, 10, 100), rng.normal(50, 12, 100)
    running = RunningRegression()
    for start, stop in ((0, 30), (30, 70), (70, 100)):
        running.update(targets[start:stop].tolist(), predictions[start:stop].tolist())
    expected = regression_metrics(targets, predictions)
    assert running.result() == pytest.approx(expected, rel=1e-9)


def test_classification_in_batches_counts_labels_it_does_not_know_apart():
    running = RunningClassification(["cat", "dog"])
    running.update(["cat", "dog", "cat"], ["cat", "cat", "cat"])
    running.update(["dog", "bird"], ["dog", "dog"])
    assert running.unknown == {"bird": 1}
    assert running.result()["accuracy"] == pytest.approx(3 / 4)
    assert RunningClassification(["cat"]).result() == {}
