"""Which way a metric improves, judged from its name as Keras's `mode="auto"` does."""

HIGHER_IS_BETTER = ("accuracy", "auc", "f1", "precision", "recall")


def natural_direction(metric: str) -> str:
    """`"maximize"` for scores (accuracy, AUC, F1, ...), `"minimize"` for losses and errors."""
    return "maximize" if any(name in metric for name in HIGHER_IS_BETTER) else "minimize"
