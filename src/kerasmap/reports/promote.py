"""`make promote`: move `@champion` to a run's model only if it beats the champion's.

The candidate (a training run, or the best job of a sweep or search) is registered as a
version of the name if it is not one yet. It and the current champion are evaluated on the
same data, the candidate run's test split; without a champion, the candidate's logged test
metric is shown and it is promoted. The gate is MLflow's `MetricThreshold(min_absolute_change
=margin, greater_is_better=...)`, except that the candidate must improve on the champion by
more than the margin, so with the default margin of 0 a tie keeps the champion. (MLflow's
own validation takes results of `mlflow.evaluate` and refuses a change of 0.)

A cross-validation's parent is judged by its own model, the average of its fold models: by
the figures it logged as `ensemble_test_<name>`, which `metric=` names as `make evaluate`
prints them (`test_accuracy`), not by its folds' mean under that name.
"""

import math
from dataclasses import dataclass

import mlflow
from mlflow.exceptions import MlflowException

from kerasmap.cli import run_id_command, split_options
from kerasmap.config import checks
from kerasmap.config.tracking import require_model_name
from kerasmap.cross_validation import ENSEMBLE_PREFIX
from kerasmap.cross_validation import ROLE_TAG as CV_ROLE_TAG
from kerasmap.errors import ConfigError
from kerasmap.recording import registry
from kerasmap.reports.evaluate import evaluate_model, prepare_data_of, use_store_of
from kerasmap.reports.model_reference import ModelReference
from kerasmap.sweeps import ROLE_PARENT, ROLE_TAG, best_job, job_runs
from kerasmap.tasks import natural_direction

OPTIONS = {"name": None, "metric": None, "margin": "0"}
USAGE = (
    "python pipelines/promote.py <run id or sweep id> name=<registered model> "
    "[metric=<test metric>] [margin=0] [key=value ...]"
)


@dataclass(frozen=True)
class Candidate:
    """The run whose model is up for promotion, the test metric that judges it and the
    model's figure of that metric as its run recorded it."""

    run_id: str
    metric: str
    figure: float
    chosen_from: str | None = None  # the sweep's parent run, when RUN named a sweep


def promote(run_id: str, arguments: list[str]) -> int:
    """`make promote`: registers the candidate's model, gates it, prints the decision.

    Args:
        run_id: A training run, or a sweep's (or search's) parent run: its best job.
        arguments: `name=`, `metric=` and `margin=`, then config overrides such as
            `tracking.uri=...`.

    Returns:
        0, whether the candidate was promoted or not.

    Raises:
        ConfigError: If the run, the name, the metric or the margin is not valid, or the
            champion cannot be compared with the candidate.
    """
    options, overrides = split_options(arguments, OPTIONS)
    name = options["name"]
    require_model_name("name", name)
    margin = _margin(options["margin"])
    _require_dotted(overrides)
    use_store_of(overrides)
    candidate = choose_candidate(run_id, options["metric"])
    if candidate.chosen_from:
        sweep = f"Sweep {candidate.chosen_from}"
        print(f"{sweep}: its best job by {candidate.metric} is run {candidate.run_id}.")
    version, champion = _version_and_champion(name, candidate.run_id)
    described = f"Candidate models:/{name}/{version.version} (run {candidate.run_id})"
    if champion is not None and str(champion.version) == str(version.version):
        print(f"{described} is already models:/{name}@{registry.CHAMPION}: nothing to change.")
        return 0
    if champion is None:  # nothing to compare with: the figure logged at training will do
        score, rival = candidate.figure, None
    else:
        bundle = prepare_data_of(candidate.run_id, overrides)
        score, rival = (
            _test_metric(each, bundle, candidate.metric) for each in (version, champion)
        )
    promoted = rival is None or beats(score, rival, margin, natural_direction(candidate.metric))
    figures = _figures(candidate.metric, score, margin, champion, rival)
    registry.record_promotion(version, promoted, figures)
    line = f"{described} {candidate.metric} {score:.4f}; "
    print(line + _verdict(candidate.metric, version, champion, rival, margin, promoted))
    return 0


def _version_and_champion(name: str, run_id: str):
    """The run's version of `name` (registered now if it has none) and the current champion.

    Raises:
        ConfigError: If the run logged no model, or one the champion cannot be compared with.
    """
    model_id = registry.logged_model_id(run_id)
    champion = registry.champion_of(name)
    if champion is not None and champion.run_id != run_id:
        registry.require_comparable(champion, model_id)  # before registering what cannot compete
    version = registry.version_of_run(name, run_id)
    return version or registry.register_logged_model(model_id, name), champion


def beats(score: float, rival: float, margin: float, direction: str) -> bool:
    """Whether `score` improves on `rival` by more than `margin` in `direction`."""
    improvement = score - rival if direction == "maximize" else rival - score
    return improvement > margin


def choose_candidate(run_id: str, metric: str | None) -> Candidate:
    """The run to promote: `run_id` itself, or its best job when it is a sweep's parent.

    Args:
        run_id: A training run, a cross-validation's parent or a sweep's parent run.
        metric: The test metric to judge by; `None`: `test_accuracy` for classification,
            `test_rmse` for regression.

    Raises:
        ConfigError: If the run is unknown, logged no model (a cross-validation's parent),
            or lacks the metric.
    """
    run = _run(run_id)
    if run.data.tags.get(ROLE_TAG) != ROLE_PARENT:
        figures = _model_figures(run)
        metric = metric or _default_metric(run.data.tags.get("task"))
        _require_metric(metric, figures, run_id)
        return Candidate(run_id, metric, figures[metric])
    jobs = job_runs(run_id)
    tasks = jobs["tags.task"].dropna() if "tags.task" in jobs else []
    metric = metric or _default_metric(tasks.iloc[0] if len(tasks) else None)
    names = [column.removeprefix("metrics.") for column in jobs if column.startswith("metrics.")]
    _require_metric(metric, names, run_id)
    best = best_job(jobs, metric, natural_direction(metric))
    if best is None:
        raise ConfigError(
            f"Received an invalid value for `RUN`, expected a sweep with a finished job that "
            f"has {metric}: sweep {run_id} has none. Received: RUN={run_id}"
        )
    # A job that cross-validated is chosen by its folds' mean, as `make compare` ranks it,
    # and judged by its own model, their average.
    figure = _model_figures(_run(best["run_id"]))[metric]
    return Candidate(best["run_id"], metric, figure, chosen_from=run_id)


def _model_figures(run) -> dict[str, float]:
    """The test metrics of the run's model; a cross-validation's parent's are its average's.

    Raises:
        ConfigError: If the run is a cross-validation's parent that logged no model.
    """
    if run.data.tags.get(CV_ROLE_TAG) != "parent":
        return run.data.metrics
    registry.logged_model_id(run.info.run_id)  # a parent without one: one sentence
    return {
        name.removeprefix(ENSEMBLE_PREFIX): value
        for name, value in run.data.metrics.items()
        if name.startswith(ENSEMBLE_PREFIX)
    }


def _require_dotted(overrides: list[str]) -> None:
    """A plain key is a mistyped option: the config keys that matter here are dotted."""
    for override in overrides:
        key = override.partition("=")[0]
        checks.require(
            "." in key,
            "option",
            override,
            f"one of {', '.join(OPTIONS)}, or a dotted config override (tracking.uri=...)",
        )


def _run(run_id: str):
    try:
        return mlflow.MlflowClient().get_run(run_id)
    except MlflowException as error:
        raise ConfigError(
            f"Received an invalid value for `RUN`, expected the id of a training run or of a "
            f"sweep's parent run in {mlflow.get_tracking_uri()}. Received: RUN={run_id}"
        ) from error


def _default_metric(task: str | None) -> str:
    return "test_rmse" if task == "regression" else "test_accuracy"


def _require_metric(metric: str, logged, run_id: str) -> None:
    """The metric must be one the run measured on its test split."""
    test_metrics = sorted(name for name in logged if name.startswith("test_"))
    checks.require(
        metric in test_metrics,
        "metric",
        metric,
        f"one of the test metrics of run {run_id}: {', '.join(test_metrics) or 'none'}",
    )


def _margin(value: str) -> float:
    try:
        margin = float(value)
    except ValueError:
        margin = math.nan
    checks.require(math.isfinite(margin) and margin >= 0, "margin", value, "a number >= 0")
    return margin


def _test_metric(version, bundle, metric: str) -> float:
    reference = ModelReference(f"models:/{version.name}/{version.version}", version.run_id)
    return evaluate_model(reference, bundle)[metric]


def _figures(metric: str, score: float, margin: float, champion, rival) -> dict[str, str]:
    """What a decision rested on, as tags of the candidate version."""
    figures = {"metric": metric, "value": f"{score:.6g}", "margin": f"{margin:g}"}
    if champion is None:
        return figures
    return figures | {"champion_version": str(champion.version), "champion_value": f"{rival:.6g}"}


def _verdict(metric: str, version, champion, rival: float | None, margin: float, promoted: bool):
    """The rest of the decision line: the champion's figure, the margin, the outcome."""
    alias = f"models:/{version.name}@{registry.CHAMPION}"
    if champion is None:
        return f"no champion yet: promoted, {alias} is now version {version.version}."
    against = f"champion models:/{champion.name}/{champion.version} {metric} {rival:.4f}"
    against += f"; margin {margin:.4f}"
    if promoted:
        return f"{against}: promoted, {alias} is now version {version.version}."
    return f"{against}: not promoted, {alias} stays version {champion.version}."


main = run_id_command(USAGE, promote)
