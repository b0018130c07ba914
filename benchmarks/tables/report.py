"""From each table's figures to the Markdown table, its summary line and the JSON record."""

import json
import math
import os
import platform
from importlib import metadata
from pathlib import Path

from tabulate import tabulate

BEHIND_BY = 0.01  # kerasmap counts as behind the linear model when more than this below it
# Figure name -> (column heading, format). Scores to 4 decimals, seconds to 1.
COLUMNS = {
    "table": ("table", ""),
    "rows": ("rows", ",d"),
    "columns": ("columns", "d"),
    "task": ("task", ""),
    "metric": ("metric", ""),
    "kerasmap": ("kerasmap", ".4f"),
    "linear": ("linear", ".4f"),
    "hgb": ("HGB", ".4f"),
    "kerasmap_train_s": ("kerasmap training s", ".1f"),
    "kerasmap_wall_s": ("kerasmap command s", ".1f"),
    "linear_fit_s": ("linear fit s", ".1f"),
    "hgb_fit_s": ("HGB fit s", ".1f"),
}


def markdown_table(records: list[dict]) -> str:
    """One row per table with the columns of `COLUMNS`; a figure not measured reads `-`."""
    rows = [
        [
            "-" if isinstance(value, float) and math.isnan(value) else format(value, style)
            for value, (_, style) in zip(map(record.get, COLUMNS), COLUMNS.values(), strict=True)
        ]
        for record in records
    ]
    headings = [heading for heading, _ in COLUMNS.values()]
    alignment = ["left" if not style else "right" for _, style in COLUMNS.values()]
    return tabulate(rows, headings, tablefmt="pipe", disable_numparse=True, colalign=alignment)


def summary_line(records: list[dict]) -> str:
    """The mean of each model's figure, and the tables where kerasmap trails the linear model.

    The means mix accuracies, AUCs and R^2s: they are a rough gauge, not a metric.
    """
    scored = [record for record in records if not math.isnan(record["kerasmap"])]
    means = {
        name: sum(record[key] for record in scored) / len(scored) if scored else math.nan
        for name, key in (("kerasmap", "kerasmap"), ("linear", "linear"), ("HGB", "hgb"))
    }
    behind = [r["table"] for r in scored if r["kerasmap"] < r["linear"] - BEHIND_BY]
    failed = [record["table"] for record in records if record not in scored]
    text = (
        f"Means over {len(scored)} tables: "
        + ", ".join(f"{name} {value:.4f}" for name, value in means.items())
        + f". kerasmap is more than {BEHIND_BY} below the linear model on {len(behind)} of "
        f"{len(scored)} tables" + (f" ({', '.join(behind)})." if behind else ".")
    )
    return text + (f" kerasmap failed on: {', '.join(failed)}." if failed else "")


def describe_machine() -> str:
    """The CPU and the versions the figures were measured with."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    versions = [
        f"{package} {metadata.version(package)}"
        for package in ("tensorflow", "keras", "scikit-learn", "mlflow")
    ]
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, " + ", ".join(
        versions
    )


def write_results(folder: Path, text: str, records: list[dict], context: dict) -> None:
    """Writes `table.md` and `figures.json` (every figure of every table, and `context`)."""
    (folder / "table.md").write_text(text)
    # NaN is not JSON: a figure that could not be measured is written as null.
    tables = [
        {
            key: None if isinstance(value, float) and math.isnan(value) else value
            for key, value in record.items()
        }
        for record in records
    ]
    record = context | {"tables": tables}
    (folder / "figures.json").write_text(json.dumps(record, indent=2) + "\n")
