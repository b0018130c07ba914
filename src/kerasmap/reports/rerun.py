"""Train a recorded run again and report whether its metrics match, with likely causes."""

import numpy as np
import pandas as pd
from mlflow import MlflowClient

from kerasmap.cli import run_id_command
from kerasmap.reports.recorded_run import RecordedRun, load_recorded_run, metric_histories

RERUN_OF_TAG = "kerasmap.rerun_of"
RERUN_MATCH_TAG = "kerasmap.rerun_match"
COMPARISON_ARTIFACT = "rerun/comparison.csv"
TIMING_METRICS = ("epoch_seconds", "samples_per_second")  # wall-clock: never repeatable
PROVENANCE_TAGS = ("git_commit", "git_dirty", "dataset_fingerprint", "device", "precision_policy")
NOT_COMPARED_KEYS = ("tracking", "trainer.resume", "trainer.backup_dir")  # not what a run computes
FRESH_START = "trainer.resume=false"  # a rerun never continues a backup, not even its source's


def rerun(run_id: str, overrides: list[str]) -> tuple[pd.DataFrame, str]:
    """Trains `run_id`'s config again as a new run and compares its metrics with the source.

    The run's recorded overrides choose the same config groups, its recorded resolved
    values replace today's defaults, and `overrides` apply last. The new run is tagged
    `kerasmap.rerun_of=<run id>` and `kerasmap.rerun_match=true|false`, with the
    comparison in `rerun/comparison.csv`.

    Returns:
        The comparison table (one row per metric) and the one-line verdict.

    Raises:
        ConfigError: If the run id is unknown or an override is invalid.
    """
    import mlflow
    from omegaconf import OmegaConf

    from kerasmap.config.compose import compose_config, rebuild_config
    from kerasmap.run import train

    mlflow.set_tracking_uri(compose_config(overrides).tracking.uri)
    source = load_recorded_run(run_id)
    cfg, replayed = rebuild_config(
        source.overrides, source.config, [*overrides, FRESH_START], source=source.description
    )
    train(cfg, overrides=replayed)
    new_run = mlflow.last_active_run()
    table = compare_metrics(source.metrics, metric_histories(new_run.info.run_id))
    record_comparison(new_run.info.run_id, run_id, table)
    causes = possible_causes(source, OmegaConf.to_container(cfg, resolve=True), new_run.data.tags)
    return table, verdict(table, causes)


def print_rerun(run_id: str, overrides: list[str]) -> int:
    """`make rerun`: prints the comparison table and the verdict; exit status 0 either way."""
    table, line = rerun(run_id, overrides)
    print(table.to_string(index=False, float_format="{:.6g}".format, na_rep="-"))
    print(line)
    return 0


def compare_metrics(
    source: dict[str, dict[int, float]], rerun: dict[str, dict[int, float]]
) -> pd.DataFrame:
    """One row per metric both runs have (timings left out), compared step by step.

    Values must be exactly equal at every step; NaN equals NaN.

    Returns:
        Columns `metric`, `steps`, `source` and `rerun` (values at the last step),
        `differing_steps`, `first_differing_step` (NaN when all match), `largest_difference`
        and `match`.
    """
    names = sorted(source.keys() & rerun.keys() - set(TIMING_METRICS))
    return pd.DataFrame([_compare_history(name, source[name], rerun[name]) for name in names])


def _compare_history(name: str, source: dict[int, float], rerun: dict[int, float]) -> dict:
    steps = sorted(source.keys() | rerun.keys())
    before = np.array([source.get(step, np.nan) for step in steps])
    after = np.array([rerun.get(step, np.nan) for step in steps])
    present = np.array([step in source and step in rerun for step in steps])
    same = present & ((before == after) | (np.isnan(before) & np.isnan(after)))
    gaps = np.where(same, 0.0, np.nan_to_num(np.abs(after - before), nan=np.inf))
    differing = np.flatnonzero(~same)
    return {
        "metric": name,
        "steps": len(steps),
        "source": before[-1],
        "rerun": after[-1],
        "differing_steps": len(differing),
        "first_differing_step": steps[differing[0]] if len(differing) else np.nan,
        "largest_difference": float(gaps.max()),
        "match": not len(differing),
    }


def metrics_match(comparison: pd.DataFrame) -> bool:
    """Whether at least one metric was compared and every compared metric matched."""
    return bool(len(comparison)) and bool(comparison["match"].all())


def possible_causes(
    source: RecordedRun, rerun_config: dict, rerun_tags: dict[str, str]
) -> list[str]:
    """What differs between the two runs, or about the source, that can change metrics."""
    causes = []
    if not source.config["trainer"]["deterministic"]:
        causes.append("the source run was not deterministic: trainer.deterministic=false")
    before, after = (
        pd.json_normalize(config, sep=".").to_dict("records")[0]
        for config in (source.config, rerun_config)
    )
    for key, value in before.items():
        if not key.startswith(NOT_COMPARED_KEYS) and after.get(key) != value:
            causes.append(f"the rerun ran with {key}={after.get(key)} instead of {value}")
    versions = sorted(tag for tag in source.tags if tag.startswith("version."))
    for tag in (*PROVENANCE_TAGS, *versions):
        if source.tags.get(tag) != rerun_tags.get(tag):
            causes.append(f"{tag} was {source.tags.get(tag)}, now {rerun_tags.get(tag)}")
    if "true" in (source.tags.get("git_dirty"), rerun_tags.get("git_dirty")):
        causes.append("uncommitted code changes (git_dirty=true) are not recorded")
    return causes


def verdict(comparison: pd.DataFrame, causes: list[str]) -> str:
    """One line: whether the metrics match and, if not, where and why they may differ."""
    if comparison.empty:
        return "No metric of the source run was recorded by the rerun, so none was compared."
    if metrics_match(comparison):
        return "Metrics match the source run exactly."
    differing = comparison[~comparison["match"]]
    worst = differing.loc[differing["largest_difference"].idxmax()]
    line = (
        f"Metrics differ from the source run: {len(differing)} of {len(comparison)} differ; "
        f"largest difference {worst['largest_difference']:.3g} in `{worst['metric']}`, "
        f"first at step {worst['first_differing_step']:.0f}"
    )
    return f"{line} ({'; '.join(causes)})." if causes else f"{line}."


def record_comparison(run_id: str, source_run_id: str, comparison: pd.DataFrame) -> None:
    """Tags the rerun with its source and the outcome, and logs the comparison table."""
    client = MlflowClient()
    client.set_tag(run_id, RERUN_OF_TAG, source_run_id)
    client.set_tag(run_id, RERUN_MATCH_TAG, str(metrics_match(comparison)).lower())
    client.log_text(run_id, comparison.to_csv(index=False), COMPARISON_ARTIFACT)


main = run_id_command("python pipelines/rerun.py <run id> [key=value ...]", print_rerun)
