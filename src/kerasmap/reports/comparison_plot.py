"""A figure of a comparison table: the sort metric against each swept param."""

import pandas as pd
from matplotlib.figure import Figure

from kerasmap.config import checks

MAX_LABELLED_VALUES = 8  # up to this many distinct values are drawn as categories


def plot_metric_against_params(table: pd.DataFrame, metric: str, params: list[str]) -> Figure:
    """One panel per param: each run's `metric` against its value of that param.

    A param with a few values (a grid) is drawn as evenly spaced categories; one with
    many numeric values (a search) on a numeric axis.

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
    """A grid's few values as evenly spaced categories; many numbers on a numeric axis."""
    numeric = pd.api.types.is_numeric_dtype(values)
    distinct = list(dict.fromkeys(values.dropna()))  # text keeps its order of appearance
    if numeric:
        distinct.sort()
    if numeric and len(distinct) > MAX_LABELLED_VALUES:
        axis.scatter(values, metric_values)
    else:
        # Grid values such as 0, 1e-4 and 1e-3 would crowd together on a linear axis.
        position = {value: index for index, value in enumerate(distinct)}
        axis.scatter(values.map(position), metric_values)
        axis.set_xticks(range(len(distinct)), labels=[_label(value) for value in distinct])
    axis.set_xlabel(values.name)
    axis.set_ylabel(metric_values.name)
    axis.grid(alpha=0.3)


def _label(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)
