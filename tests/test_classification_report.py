"""Confusion matrix and per-class report against hand-computed values."""

import numpy as np
import pytest

from kerasmap.evaluation.classification_report import confusion_matrix, per_class_report


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    expected = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 3), expected)


def test_per_class_report_matches_hand_computed_precision_recall_f1():
    matrix = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    report = per_class_report(matrix, ["a", "b", "c"]).set_index("class")
    assert report.loc["a", "precision"] == pytest.approx(0.5)
    assert report.loc["b", "precision"] == pytest.approx(2 / 3)
    assert report.loc["b", "recall"] == pytest.approx(1.0)
    assert report.loc["b", "f1"] == pytest.approx(0.8)
    assert report.loc["c", "f1"] == pytest.approx(2 / 3)
    assert report.loc["macro avg", "support"] == 6
    assert list(report.columns) == ["precision", "recall", "f1", "support"]


def test_a_class_never_predicted_gets_zero_not_nan():
    report = per_class_report(np.array([[2, 0], [1, 0]]), ["yes", "no"]).set_index("class")
    assert report.loc["no", "precision"] == 0.0
    assert report.loc["no", "f1"] == 0.0
    assert not report.isna().any().any()
