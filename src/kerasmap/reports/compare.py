"""`make compare`: the comparison table of a sweep or an experiment, written, printed, logged."""

from pathlib import Path

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from kerasmap.config import TrackingConfig
from kerasmap.errors import ConfigError


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

    from kerasmap.reports import comparison
    from kerasmap.reports.comparison_plot import plot_metric_against_params

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
    from kerasmap.recording.reachability import HEALTH_TIMEOUT_SECONDS, server_answers
    from kerasmap.recording.secrets import redact_text

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
