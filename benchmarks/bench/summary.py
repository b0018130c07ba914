"""From the runs' records to figures per run, the side-by-side table and the throughput plot."""

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FRAMEWORKS = {"kerasmap": "kerasmap", "keras": "bare Keras 3", "torch": "PyTorch"}
# Figure name -> (row label, decimals). The ratio columns are kerasmap's value over the other's.
FIGURES = {
    "samples_per_s": ("training samples/s, steady (higher is better)", 0),
    "epoch_s": ("seconds per epoch, steady, with validation", 2),
    "startup_s": ("start-up s (command start to first epoch)", 1),
    "time_to_target_s": ("s from command start to val accuracy >= {target:.0%}", 1),
    "wall_s": ("whole command s", 1),
    "finish_s": ("s after the last epoch (test, logging, exit)", 1),
    "peak_rss_mb": ("peak resident memory MB", 0),
    "test_accuracy": ("test accuracy", 4),
}


def run_figures(record: dict, target: float) -> dict:
    """One run's figures. Steady-state figures leave out the first epoch (tracing, warm-up).

    Args:
        record: What `launch` returned: `start`, `wall_s`, `peak_rss_mb`, `epochs` (each with
            `start`, `seconds`, `samples_per_second`, `val_accuracy`), `test_accuracy`.
        target: The validation accuracy whose first reaching is timed.

    Returns:
        The figures named in `FIGURES`; `time_to_target_s` is NaN if never reached.
    """
    epochs = record["epochs"]
    steady = epochs[1:] or epochs
    reached = [epoch for epoch in epochs if epoch["val_accuracy"] >= target]
    first = reached[0] if reached else None
    return {
        "samples_per_s": float(np.median([epoch["samples_per_second"] for epoch in steady])),
        "epoch_s": float(np.median([epoch["seconds"] for epoch in steady])),
        "startup_s": epochs[0]["start"] - record["start"],
        "time_to_target_s": first["start"] + first["seconds"] - record["start"]
        if first
        else math.nan,
        "wall_s": record["wall_s"],
        "finish_s": record["wall_s"]
        - (epochs[-1]["start"] + epochs[-1]["seconds"] - record["start"]),
        "peak_rss_mb": record["peak_rss_mb"],
        "test_accuracy": record["test_accuracy"],
    }


def figures_frame(records: list[dict], targets: dict[str, float]) -> pd.DataFrame:
    """One row per successful run: `framework`, `family`, `repeat` and its figures."""
    rows = [
        {key: record[key] for key in ("framework", "family", "repeat")}
        | run_figures(record, targets[record["family"]])
        for record in records
        if "error" not in record
    ]
    return pd.DataFrame(rows, columns=["framework", "family", "repeat", *FIGURES])


def summary_table(
    frame: pd.DataFrame, families: list[str], targets: dict[str, float], absent: dict[str, str]
) -> pd.DataFrame:
    """The side-by-side table: per family and figure, median (min-max) and ratios.

    Args:
        frame: `figures_frame`'s rows.
        families: The families, in the table's order.
        targets: Each family's target validation accuracy.
        absent: Framework -> what its cells say instead (`"not installed"`), for frameworks
            that did not run at all.

    Returns:
        A DataFrame with columns `model`, `figure`, one per framework, and
        `kerasmap ÷ <framework>` per other framework.
    """
    grouped = frame.groupby(["family", "framework"])
    rows = []
    for family in families:
        for figure, (label, decimals) in FIGURES.items():
            row = {"model": family, "figure": label.format(target=targets[family])}
            medians = {}
            for framework, name in FRAMEWORKS.items():
                values = _values(grouped, family, framework, figure)
                medians[framework] = float(np.median(values)) if len(values) else math.nan
                row[name] = absent.get(framework) or spread(values, decimals)
            for framework, name in list(FRAMEWORKS.items())[1:]:
                ratio = medians["kerasmap"] / medians[framework]
                row[f"kerasmap ÷ {name}"] = "" if math.isnan(ratio) else f"{ratio:.2f}x"
            rows.append(row)
    return pd.DataFrame(rows)


def _values(grouped, family: str, framework: str, figure: str) -> np.ndarray:
    if (family, framework) not in grouped.groups:
        return np.array([])
    return grouped.get_group((family, framework))[figure].dropna().to_numpy()


def spread(values: np.ndarray, decimals: int) -> str:
    """`median (min-max)`, or the one value, or a dash when there is none."""
    if not len(values):
        return "-"
    low, middle, high = (
        f"{value:,.{decimals}f}" for value in (values.min(), np.median(values), values.max())
    )
    return middle if len(values) == 1 else f"{middle} ({low}-{high})"


def plot_throughput(frame: pd.DataFrame, families: list[str], path: Path) -> None:
    """Bars of the median training samples/s per framework, whiskers min to max.

    One panel per family, each with its own scale: an MLP trains ten times faster than a CNN.
    """
    figure, panels = plt.subplots(
        1, len(families), figsize=(max(5.0, 2.6 * len(families) + 1), 3.6)
    )
    for family, axes in zip(families, np.atleast_1d(panels), strict=True):
        runs = frame[frame["family"] == family].groupby("framework")["samples_per_s"]
        present = [framework for framework in FRAMEWORKS if framework in runs.groups]
        medians = runs.median().reindex(present)
        whiskers = [medians - runs.min().reindex(present), runs.max().reindex(present) - medians]
        colours = [f"C{list(FRAMEWORKS).index(framework)}" for framework in present]
        names = [FRAMEWORKS[framework] for framework in present]
        axes.bar(names, medians, yerr=whiskers, capsize=4, color=colours)
        axes.set_title(family)
        axes.tick_params(axis="x", labelrotation=20)
    np.atleast_1d(panels)[0].set_ylabel("training samples/s\n(median, min-max)")
    figure.suptitle("Fashion-MNIST training throughput, higher is better")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
