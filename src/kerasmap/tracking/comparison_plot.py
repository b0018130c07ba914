"""A figure of a comparison table: the sort metric against each swept param."""

import pandas as pd
from matplotlib.figure import Figure

from kerasmap.config import checks

MAX_LABELLED_VALUES = 8  # up to this many distinct numeric values get a tick each


def plot_metric_against_params(table: pd.DataFrame, metric: str, params: list[str]) -> Figure:
    """One panel per param: each run's `metric` against its value of that param.

    Numeric params get a numeric axis; any other values are shown as text categories.

    Args:
        table: A table from `compare_runs`, one row per run.
        metric: The column to plot on the vertical axes, e.g. `"best_val_loss"`.
        params: The param columns, one panel each, e.g. `["model.dropout"]`.

    Returns:
        A matplotlib figure with one panel per param, side by side.

    Raises:
        ConfigError: If `params` is empty, or `metric` or a param is not a column of `table`.
    """
    columns = ", ".join(table.columns)
    checks.require(metric in table, "metric", metric, f"a column of the table: {columns}")
    checks.require(bool(params), "params", params, "at least one param column")
    for param in params:
        checks.require(param in table, "params", params, f"columns of the table: {columns}")
    # The object-oriented Figure needs no pyplot state, so nothing has to be closed.
    figure = Figure(figsize=(4 * len(params), 3.5), layout="constrained")
    axes = figure.subplots(1, len(params), squeeze=False)[0]
    for axis, param in zip(axes, params, strict=True):
        _draw_panel(axis, table[param], table[metric])
    figure.suptitle(f"{metric} of each run against the swept params")
    return figure


def _draw_panel(axis, values: pd.Series, metric_values: pd.Series) -> None:
    """Numbers on a numeric axis, anything else as text categories."""
    numeric = pd.api.types.is_numeric_dtype(values)
    axis.scatter(values if numeric else values.astype(str), metric_values)
    distinct = sorted(values.dropna().unique()) if numeric else []
    if 0 < len(distinct) <= MAX_LABELLED_VALUES:
        # A grid sweep has a few values: label exactly those, e.g. 0 and 0.0001.
        axis.set_xticks(distinct, labels=[f"{value:g}" for value in distinct])
    axis.set_xlabel(values.name)
    axis.set_ylabel(metric_values.name)
    axis.grid(alpha=0.3)
