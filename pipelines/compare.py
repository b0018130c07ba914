"""Compare tracked runs in one table: the jobs of a sweep, or every run of an experiment.

python pipelines/compare.py sweep_id=<sweep id>                  # a sweep's jobs, best first
python pipelines/compare.py metric=test_accuracy                 # every run of the experiment
python pipelines/compare.py +tags.kerasmap.sweep_role=job tracking.experiment=moons_binary

Prints the table in Markdown and writes it as CSV and Markdown into `output_dir`, with a
plot of `metric` against each swept param; for a sweep, the three files are also logged
on the sweep's parent run under `comparison/`.
"""

import sys
from pathlib import Path

import hydra
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from kerasmap.config import TrackingConfig
from kerasmap.config.preflight import check_overrides
from kerasmap.errors import ConfigError, KerasmapError

CONFIG_DIR = Path(__file__).resolve().parents[1] / "conf"


def compare(cfg: DictConfig) -> pd.DataFrame:
    """Builds the comparison table, writes it and its plot, and prints it.

    Args:
        cfg: The composed `conf/compare.yaml`.

    Returns:
        The table from `comparison.compare_runs`.
    """
    tracking = TrackingConfig(**OmegaConf.to_container(cfg.tracking, resolve=True))
    require_existing_store(tracking.uri)
    import mlflow  # Imported here so that a mistake in the overrides is reported at once.

    from kerasmap.tracking import comparison
    from kerasmap.tracking.comparison_plot import plot_metric_against_params

    mlflow.set_tracking_uri(tracking.uri)
    table = comparison.compare_runs(
        tracking.experiment,
        sweep_id=cfg.sweep_id,
        tags=tag_filters(OmegaConf.to_container(cfg.tags, resolve=True)),
        metric=cfg.metric,
        direction=cfg.direction,
    )
    paths = comparison.write_table(table, cfg.output_dir)
    if table.attrs["swept_params"]:
        figure = plot_metric_against_params(table, cfg.metric, table.attrs["swept_params"])
        paths.append(Path(cfg.output_dir) / "comparison.png")
        figure.savefig(paths[-1])
    print(comparison.markdown_table(table))
    print(f"\nSorted by {cfg.metric} ({table.attrs['direction']}). Wrote:")
    for path in paths:
        print(f"  {path}")
    if cfg.sweep_id:
        logged_at = comparison.log_on_sweep_parent(cfg.sweep_id, paths)
        print(f"Logged on the sweep's parent run: {logged_at}")
    return table


def require_existing_store(uri: str) -> None:
    """Checks that the store can be read, rather than let MLflow create or wait for one.

    Raises:
        ConfigError: If a SQLite file does not exist or an http(s) server does not answer.
    """
    from kerasmap.tracking.reachability import HEALTH_TIMEOUT_SECONDS, server_answers
    from kerasmap.tracking.secrets import redact_text

    database = Path(uri.removeprefix("sqlite:///"))
    if uri.startswith("sqlite:///") and not database.exists():
        problem = f"no file {database.resolve()}"
    elif uri.startswith(("http://", "https://")) and not server_answers(uri):
        problem = f"the server did not answer within {HEALTH_TIMEOUT_SECONDS} s"
    else:
        return
    raise ConfigError(
        f"Received an invalid value for `tracking.uri`, expected an existing MLflow store "
        f"({problem}). Received: tracking.uri={redact_text(uri)!r}"
    )


def tag_filters(tags: dict, prefix: str = "") -> dict[str, str]:
    """Flattens Hydra's nested `+tags.kerasmap.sweep_role=job` back into dotted tag names.

    Values become the text MLflow stores; booleans are lower case, as kerasmap tags them.
    """
    flat = {}
    for name, value in tags.items():
        if isinstance(value, dict):
            flat |= tag_filters(value, f"{prefix}{name}.")
        else:
            flat[f"{prefix}{name}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return flat


def require_plus_for_tags(arguments: list[str]) -> None:
    """Tag filters add keys to the empty `tags` mapping, which Hydra only accepts with a `+`.

    Raises:
        ConfigError: If an argument sets `tags.<name>` without the leading `+`.
    """
    for argument in arguments:
        if argument.startswith("tags."):
            raise ConfigError(
                f"Received a tag filter without its leading `+`, expected +{argument} "
                f"(tag filters add keys to `tags`, which starts empty). Received: {argument}"
            )


@hydra.main(version_base="1.3", config_path="../conf", config_name="compare")
def main(cfg: DictConfig) -> None:
    """Command-line entry point: a user mistake prints one sentence and exits with status 2."""
    try:
        compare(cfg)
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    try:
        require_plus_for_tags(sys.argv[1:])
        check_overrides(str(CONFIG_DIR), "compare", sys.argv[1:])
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    main()
