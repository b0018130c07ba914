"""Repeat a recorded run: rebuild its exact config, then compare the new run's metrics with it."""

from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
import yaml
from hydra import compose, initialize_config_dir
from mlflow.exceptions import MlflowException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

import kerasmap.config  # noqa: F401  (registers the schemas that `compose` needs)
from kerasmap.errors import ConfigError
from kerasmap.tracking.secrets import HIDDEN

RERUN_OF_TAG = "kerasmap.rerun_of"
RERUN_MATCH_TAG = "kerasmap.rerun_match"
COMPARISON_ARTIFACT = "rerun/comparison.csv"
TIMING_METRICS = ("epoch_seconds", "samples_per_second")  # wall-clock: never repeatable
PROVENANCE_TAGS = ("git_commit", "git_dirty", "dataset_fingerprint", "device", "precision_policy")
NOT_COMPARED_KEYS = ("tracking", "trainer.resume", "trainer.backup_dir")  # not what a run computes


@dataclass(frozen=True)
class RecordedRun:
    """What a finished run recorded that a rerun needs.

    Args:
        run_id: The MLflow run id.
        overrides: The overrides it was composed with (`config/overrides.txt`).
        config: Its resolved config (`config/config.yaml`), secrets shown as `***`.
        tags: Its tags: git commit and dirty flag, package versions, data fingerprint.
        metrics: Each metric's values by step (the epoch; 0 for final metrics).
    """

    run_id: str
    overrides: list[str]
    config: dict
    tags: dict[str, str]
    metrics: dict[str, dict[int, float]]


def load_recorded_run(run_id: str) -> RecordedRun:
    """Reads `run_id` from the tracking URI MLflow is set to.

    Raises:
        ConfigError: If the store has no kerasmap run with that id.
    """
    try:
        run = mlflow.MlflowClient().get_run(run_id)
        config = mlflow.artifacts.load_text(f"runs:/{run_id}/config/config.yaml")
        overrides = mlflow.artifacts.load_text(f"runs:/{run_id}/config/overrides.txt")
    except MlflowException as error:
        raise ConfigError(
            f"Received an invalid value for `run_id`: no kerasmap run with that id in "
            f"{mlflow.get_tracking_uri()}. Received: run_id={run_id!r}"
        ) from error
    return RecordedRun(
        run_id=run_id,
        overrides=[line for line in overrides.splitlines() if line.strip()],
        config=yaml.safe_load(config),
        tags=dict(run.data.tags),
        metrics=metric_histories(run_id),
    )


def metric_histories(run_id: str) -> dict[str, dict[int, float]]:
    """Every metric of a run as `{name: {step: value}}`."""
    client = mlflow.MlflowClient()
    return {
        name: {point.step: point.value for point in client.get_metric_history(run_id, name)}
        for name in client.get_run(run_id).data.metrics
    }


def rebuild_config(
    config_dir: str, source: RecordedRun, overrides: list[str]
) -> tuple[DictConfig, list[str]]:
    """Composes the config `source` ran with, then applies `overrides` on top.

    The recorded overrides choose the same config groups, so the same schemas check the
    values; the recorded resolved values then replace what `config_dir` holds now, so a
    default changed since does not change the rerun. Values hidden as `***` are taken
    from the current config instead, and `overrides` win over everything recorded (a
    group chosen anew, `model=cnn`, drops every recorded `model.*` value).

    Returns:
        The config, and the overrides it was composed with (to record with the rerun).

    Raises:
        ConfigError: If a recorded value no longer fits the current schemas.
    """
    overridden = tuple(_key_of(override) for override in overrides)
    replayed = [
        override
        for override in source.overrides
        if HIDDEN not in override and not _is_under(_key_of(override), overridden)
    ]
    replayed += overrides
    with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
        cfg = compose("config", overrides=replayed)
    try:
        return OmegaConf.merge(cfg, _kept_values(source.config, "", overridden)), replayed
    except OmegaConfBaseException as error:
        key = error.full_key
        value = OmegaConf.select(OmegaConf.create(source.config), key)
        raise ConfigError(
            f"Received a recorded value for `{key}` that the current config cannot take, "
            f"expected a run recorded with this code (or a checkout of its commit "
            f"{source.tags.get('git_commit', 'unknown')}). Received: {key}={value!r} "
            f"in run_id={source.run_id!r}"
        ) from None


def _kept_values(config: dict, prefix: str, overridden: tuple[str, ...]) -> dict:
    """`config` without hidden values and without the keys under `overridden`."""
    kept = {}
    for name, value in config.items():
        key = f"{prefix}{name}"
        if _is_under(key, overridden):
            continue
        if isinstance(value, dict):
            kept[name] = _kept_values(value, f"{key}.", overridden)
        elif HIDDEN not in str(value):
            kept[name] = value
    return kept


def _key_of(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def _is_under(key: str, overridden: tuple[str, ...]) -> bool:
    """Whether `key` is one of `overridden` or inside one (`model.dropout` inside `model`)."""
    return any(key == other or key.startswith(f"{other}.") for other in overridden)


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
    client = mlflow.MlflowClient()
    client.set_tag(run_id, RERUN_OF_TAG, source_run_id)
    client.set_tag(run_id, RERUN_MATCH_TAG, str(metrics_match(comparison)).lower())
    client.log_text(run_id, comparison.to_csv(index=False), COMPARISON_ARTIFACT)
