"""`optimization_results.yaml`: what a search found, written into the sweep folder."""

import logging
from pathlib import Path
from typing import Any

import optuna
import yaml
from optuna.trial import TrialState

log = logging.getLogger(__name__)

RESULTS_FILE = "optimization_results.yaml"


def summarize(study: optuna.Study) -> dict[str, Any]:
    """The best parameters and value, and how many trials completed, failed or still run.

    These are the study's, over every worker sharing it; `running_trials` are other
    workers' trials not finished yet. `best_params` and `best_value` are null when no
    trial completed.
    """
    states = [trial.state for trial in study.trials]
    complete = states.count(TrialState.COMPLETE)
    return {
        "name": study.study_name,
        "direction": study.direction.name.lower(),
        "best_params": study.best_params if complete else None,
        "best_value": study.best_value if complete else None,
        "complete_trials": complete,
        "failed_trials": states.count(TrialState.FAIL),
        "running_trials": states.count(TrialState.RUNNING),
    }


def write_results(study: optuna.Study, sweep_dir: Path) -> Path:
    """Writes `summarize(study)` to `sweep_dir/optimization_results.yaml` and logs it.

    Returns:
        The path of the file written.
    """
    summary = summarize(study)
    path = sweep_dir / RESULTS_FILE
    path.write_text(yaml.safe_dump(summary, sort_keys=False))
    if summary["complete_trials"]:
        log.info("Best value %s with %s; see %s", summary["best_value"], study.best_params, path)
    else:
        log.error("Every trial failed, so there is no best value; see the warnings above.")
    return path
