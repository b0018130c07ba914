"""What each task measures, and which way a metric improves.

Kept free of imports: config validation (before TensorFlow loads), the model heads, the
run record and the reports all read these facts from here.
"""

TASKS = ("multiclass", "binary", "regression")

# The metrics each task's head is compiled with, by their Keras names.
TASK_METRICS = {
    "multiclass": ("accuracy",),
    "binary": ("accuracy", "auc"),
    "regression": ("mae",),
}

# The metric that best summarises a model of each task, plotted beside the loss.
MONITORED_METRICS = {"multiclass": "accuracy", "binary": "accuracy", "regression": "mae"}

HIGHER_IS_BETTER = ("accuracy", "auc", "f1", "precision", "recall", "r2")


def natural_direction(metric: str) -> str:
    """`"maximize"` for scores (accuracy, AUC, F1, ...), `"minimize"` for losses and errors.

    Judged from the name, as Keras's `mode="auto"` does.
    """
    return "maximize" if any(name in metric for name in HIGHER_IS_BETTER) else "minimize"
