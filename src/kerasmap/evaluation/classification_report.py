"""Confusion matrix and per-class precision / recall / F1, with numpy and pandas."""

import numpy as np
import pandas as pd


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts `(true class, predicted class)` pairs.

    Args:
        y_true: Integer class ids, shape `(n,)`.
        y_pred: Integer class ids, shape `(n,)`.
        num_classes: Number of classes.

    Returns:
        An `int64` array of shape `(num_classes, num_classes)`; rows are true classes.
    """
    pairs = y_true.astype(np.int64) * num_classes + y_pred.astype(np.int64)
    counts = np.bincount(pairs, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def per_class_report(matrix: np.ndarray, class_names) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, plus a macro-average row.

    Args:
        matrix: A confusion matrix from `confusion_matrix`.
        class_names: One name per class.

    Returns:
        A DataFrame with columns `class`, `precision`, `recall`, `f1`, `support`.
        A class never predicted (or never present) gets 0 for the undefined ratio.
    """
    true_positives = np.diag(matrix).astype(float)
    predicted = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = np.divide(
        true_positives, predicted, out=np.zeros_like(true_positives), where=predicted > 0
    )
    recall = np.divide(
        true_positives, support, out=np.zeros_like(true_positives), where=support > 0
    )
    denominator = precision + recall
    f1 = np.divide(
        2 * precision * recall,
        denominator,
        out=np.zeros_like(true_positives),
        where=denominator > 0,
    )
    report = pd.DataFrame(
        {
            "class": list(class_names),
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
        }
    )
    macro = {
        "class": "macro avg",
        "precision": precision.mean(),
        "recall": recall.mean(),
        "f1": f1.mean(),
        "support": support.sum(),
    }
    return pd.concat([report, pd.DataFrame([macro])], ignore_index=True)
