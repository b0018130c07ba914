"""The Optuna sweeper: search spaces, failed trials, bad options, and a real kerasmap search."""

import math
import subprocess
import sys

import optuna
import pytest
import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

from hydra_plugins.kerasmap_optuna_sweeper.search_space import parse_params, split_arguments
from kerasmap import sweeps as sweep_tags
from kerasmap.errors import ConfigError

from pipeline_helpers import new_store, run_cli, runs_in, store_overrides

# A task whose job number decides how it ends: a finite value, NaN, an exception, None, inf,
# or Ctrl-C.
TOY_APP = """
import math

import hydra
from hydra.core.hydra_config import HydraConfig


@hydra.main(version_base="1.3", config_path="conf", config_name="config")
def main(cfg):
    number = HydraConfig.get().job.num
    outcome = cfg.outcomes[number % len(cfg.outcomes)]
    if outcome == "raise":
        raise RuntimeError(f"job {number} broke")
    if outcome == "interrupt":
        raise KeyboardInterrupt
    if outcome != "value":
        return {"nan": math.nan, "inf": math.inf, "none": None}[outcome]
    value = (cfg.x - 0.3) ** 2
    with open(cfg.record, "a") as record:
        record.write(f"{cfg.x!r} {value!r}\\n")
    return value


main()
"""
TOY_CONFIG = """
defaults:
  - override hydra/sweeper: kerasmap_optuna
  - _self_

x: 0.0
outcomes: [value, nan, raise, none, inf]
record: values.txt

hydra:
  sweeper:
    n_trials: 10
    n_jobs: 3
    params:
      x: interval(-1, 1)
"""


def run_toy_search(tmp_path, *overrides: str) -> subprocess.CompletedProcess:
    """Runs the toy app with `-m` in `tmp_path`, its sweep folder `tmp_path/sweep`."""
    (tmp_path / "conf").mkdir(exist_ok=True)
    (tmp_path / "conf" / "config.yaml").write_text(TOY_CONFIG)
    (tmp_path / "app.py").write_text(TOY_APP)
    arguments = ["-m", f"hydra.sweep.dir={tmp_path}/sweep", *overrides]
    return subprocess.run(
        [sys.executable, "app.py", *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def results_of(sweep_dir) -> dict:
    return yaml.safe_load((sweep_dir / "optimization_results.yaml").read_text())


@pytest.mark.parametrize(
    ("search_space", "expected"),
    [
        ("interval(0.0, 0.5)", FloatDistribution(0.0, 0.5)),
        ("tag(log, interval(1e-4, 1e-1))", FloatDistribution(1e-4, 1e-1, log=True)),
        ("choice(32, 64)", CategoricalDistribution([32, 64])),
        ("choice(adam, sgd)", CategoricalDistribution(["adam", "sgd"])),
        ("range(1, 4)", IntDistribution(1, 3)),
        ("range(2, 9, 3)", IntDistribution(2, 8, step=3)),
    ],
)
def test_a_search_space_string_becomes_an_optuna_distribution(search_space, expected):
    assert parse_params(OverridesParser.create(), {"key": search_space}) == {"key": expected}


def test_command_line_sweeps_join_the_search_space_and_plain_values_fix_a_key():
    space = parse_params(
        OverridesParser.create(),
        {"model.dropout": "interval(0.0, 0.5)", "optimizer.learning_rate": "interval(0.1, 1)"},
    )
    arguments = ["data=moons", "model.dropout=0.1,0.3", "optimizer.learning_rate=0.01"]
    fixed, space = split_arguments(OverridesParser.create(), arguments, space)
    assert fixed == ["data=moons", "optimizer.learning_rate=0.01"]
    assert space == {"model.dropout": CategoricalDistribution([0.1, 0.3])}


@pytest.mark.parametrize(
    ("search_space", "message"),
    [
        ("interval(0.0, 0.5", r"a search space: interval\(low, high\), .*"),
        ("0.3", r"a search space: .* Received: hydra.sweeper.params.key='0.3'"),
        ("tag(log, interval(0, 1e-3))", r"a log interval with low > 0"),
        ("interval(0.5, 0.1)", r"an interval with low < high"),
        ("range(4, 1)", r"a search space: .*, with at least one value"),
        ("tag(logg, interval(1, 2))", r"a search space: .*; only an interval takes a tag"),
    ],
)
def test_a_bad_search_space_is_one_sentence_naming_its_key(search_space, message):
    with pytest.raises(ConfigError, match=r"`hydra\.sweeper\.params\.key`, expected " + message):
        parse_params(OverridesParser.create(), {"key": search_space})


def test_failed_trials_are_told_to_optuna_and_the_search_goes_on(tmp_path):
    result = run_toy_search(tmp_path, f"record={tmp_path}/values.txt")
    assert result.returncode == 0, result.stderr
    finite = [tuple(map(float, line.split())) for line in (tmp_path / "values.txt").open()]
    assert len(finite) == 2  # jobs 0 and 5 return a finite value
    assert all(-1 <= x <= 1 for x, _ in finite)
    results = results_of(tmp_path / "sweep")
    assert results["complete_trials"] == 2
    assert results["failed_trials"] == 8
    best_x, best_value = min(finite, key=lambda pair: pair[1])
    assert results["best_value"] == best_value
    assert results["best_params"] == {"x": best_x}
    log = result.stdout  # Hydra logs to stdout
    for reason in ("returned nan", "raised RuntimeError: job 2 broke", "returned None"):
        assert f"failed: the job {reason}" in log
    assert "returned inf, not a finite number; the search goes on." in log
    job_dirs = {path.name for path in (tmp_path / "sweep").iterdir() if path.is_dir()}
    assert job_dirs == {str(number) for number in range(10)}  # batches of 3, 3, 3, 1


def test_a_search_where_every_trial_fails_still_writes_its_results(tmp_path):
    result = run_toy_search(tmp_path, "outcomes=[raise]", "hydra.sweeper.n_trials=3")
    assert result.returncode == 0, result.stderr
    assert "Every trial failed, so there is no best value" in result.stdout
    results = results_of(tmp_path / "sweep")
    assert results["best_value"] is None and results["best_params"] is None
    assert (results["complete_trials"], results["failed_trials"]) == (0, 3)


def test_a_stopped_search_in_a_storage_resumes_where_it_was(tmp_path):
    storage = f"sqlite:///{tmp_path}/optuna.db"
    search = ["hydra.sweeper.n_trials=4", "hydra.sweeper.n_jobs=1"]
    search += [f"hydra.sweeper.storage={storage}", "hydra.sweeper.study_name=toy"]
    stopped = run_toy_search(tmp_path, *search, "outcomes=[value,interrupt]")
    assert stopped.returncode != 0  # Ctrl-C during the second trial
    study = optuna.load_study(study_name="toy", storage=storage)
    assert [trial.state for trial in study.trials] == [TrialState.COMPLETE, TrialState.FAIL]
    resumed = run_toy_search(tmp_path, *search, "outcomes=[value]")
    assert resumed.returncode == 0, resumed.stderr
    assert results_of(tmp_path / "sweep")["complete_trials"] == 3  # 1 before, 2 now
    assert len(optuna.load_study(study_name="toy", storage=storage).trials) == 4


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "hydra.sweeper.direction=up",
            "Received an invalid value for `hydra.sweeper.direction`, expected 'minimize' or "
            "'maximize'. Received: hydra.sweeper.direction='up'",
        ),
        (
            "hydra.sweeper.n_trials=0",
            "Received an invalid value for `hydra.sweeper.n_trials`, expected an integer >= 1. "
            "Received: hydra.sweeper.n_trials=0",
        ),
        (
            "hydra.sweeper.params.x='interval(-1, 1'",
            "Received an invalid value for `hydra.sweeper.params.x`, expected a search space: "
            "interval(low, high), tag(log, interval(low, high)), choice(a, b, ...) or "
            "range(start, stop[, step]). Received: hydra.sweeper.params.x='interval(-1, 1'",
        ),
    ],
)
def test_a_bad_sweeper_option_stops_the_sweep_with_one_sentence(tmp_path, override, message):
    result = run_toy_search(tmp_path, override)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == message
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "sweep" / "0").exists()


def test_a_search_of_cross_validations_optimises_the_mean_over_folds(tmp_path):
    tiny = ["data=moons", "data.num_samples=200", "trainer.epochs=2", "model.hidden_units=[8]"]
    sweep_dir = tmp_path / "sweep"
    arguments = ["hparams_search=optuna", "hydra.sweeper.n_trials=2", "trainer.folds=2", *tiny]
    arguments += ["tracking.log_model=false"]
    arguments += [*store_overrides(new_store(tmp_path)), f"hydra.sweep.dir={sweep_dir}"]
    result = run_cli("train", ["-m", *arguments])
    assert result.returncode == 0, result.stderr
    runs = runs_in(tmp_path)
    jobs = runs[runs[f"tags.{sweep_tags.ROLE_TAG}"] == sweep_tags.ROLE_JOB]
    assert len(jobs) == 2
    assert (jobs["status"] == "FINISHED").all()
    assert set(jobs["tags.kerasmap.cv_role"]) == {"parent"}  # each trial: a 2-fold run
    for _, job in jobs.iterrows():
        folds = runs[runs["tags.mlflow.parentRunId"] == job.run_id]
        assert len(folds) == 2
        assert job["metrics.best_val_loss"] == pytest.approx(folds["metrics.best_val_loss"].mean())
    assert jobs["params.optimizer.learning_rate"].nunique() == 2
    assert all(1e-4 <= float(rate) <= 1e-2 for rate in jobs["params.optimizer.learning_rate"])
    results = results_of(sweep_dir)
    assert results["complete_trials"] == 2
    assert math.isclose(results["best_value"], jobs["metrics.best_val_loss"].min(), rel_tol=1e-6)
    parent = runs[runs[f"tags.{sweep_tags.ROLE_TAG}"] == sweep_tags.ROLE_PARENT].iloc[0]
    assert parent[f"params.{sweep_tags.DIRECTION_PARAM}"] == "minimize"
    best = jobs.loc[jobs["metrics.best_val_loss"].idxmin()]
    assert parent["params.best.optimizer.learning_rate"] == best["params.optimizer.learning_rate"]
