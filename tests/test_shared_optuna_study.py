"""Optuna searches shared by workers through a database: `hydra.sweeper.storage`."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import optuna
import pytest
import yaml
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState

from hydra_plugins.kerasmap_optuna_sweeper import studies
from hydra_plugins.kerasmap_optuna_sweeper.studies import (
    COUNTED,
    STORAGE_TAG,
    STUDY_TAG,
    counted_trials,
    drop_surplus,
    heartbeats,
    open_study,
)
from kerasmap import sweeps
from kerasmap.errors import ConfigError

from pipeline_helpers import TINY_MOONS, new_store, run_cli, runs_in, store_overrides

STUDY = {"direction": "minimize", "sampler": "tpe", "seed": 42, "study_name": "search"}
SPACE = {"x": FloatDistribution(0.0, 1.0)}
SEARCHED = ("optimizer.learning_rate", "model.dropout", "optimizer.weight_decay")
STORAGE_ERROR = (
    "Received an invalid value for `hydra.sweeper.storage`, expected an Optuna database URL "
    "this machine can open, e.g. sqlite:///optuna.db or postgresql://user:password@host/optuna; "
    "opening it raised "
)


@pytest.mark.parametrize(
    ("storage", "reason"),
    [
        ("optuna.db", "ArgumentError: Could not parse SQLAlchemy URL from given URL string"),
        ("postgresql://kim:hunter2@127.0.0.1:1/optuna", ".*"),
    ],
)
def test_a_storage_that_cannot_be_opened_is_one_sentence_without_its_password(storage, reason):
    shown = storage.replace(":hunter2@", ":***@")
    received = f". Received: hydra.sweeper.storage='{shown}'"
    with pytest.raises(ConfigError, match=re.escape(STORAGE_ERROR) + reason + re.escape(received)):
        open_study(**STUDY, storage=storage)


def test_joining_a_study_of_the_other_direction_is_one_sentence(tmp_path):
    storage = f"sqlite:///{tmp_path}/optuna.db"
    optuna.create_study(storage=storage, study_name="search", direction="maximize")
    with pytest.raises(ConfigError) as error:
        open_study(**STUDY, storage=storage)
    assert str(error.value) == (
        "Received an invalid value for `hydra.sweeper.direction`, expected 'maximize', the "
        "direction of study 'search' in `hydra.sweeper.storage`. "
        "Received: hydra.sweeper.direction='minimize'"
    )


def test_workers_of_a_shared_study_propose_different_trials_from_one_seed(tmp_path):
    def first_proposal(storage):
        return open_study(**STUDY, storage=storage).ask(SPACE).params

    assert first_proposal(None) == first_proposal(None)  # in memory, the seed replays it
    storage = f"sqlite:///{tmp_path}/optuna.db"
    assert first_proposal(storage) != first_proposal(storage)


def test_a_trial_asked_after_the_study_is_full_is_dropped(tmp_path):
    storage = f"sqlite:///{tmp_path}/optuna.db"
    first, second = (open_study(**STUDY, storage=storage) for _ in range(2))
    asked = [first.ask(SPACE), first.ask(SPACE)]
    assert drop_surplus(first, asked, n_trials=2) == asked
    late = second.ask(SPACE)  # as if it had counted before the first worker asked
    assert drop_surplus(second, [late], n_trials=2) == []
    assert second.trials[late.number].state == TrialState.PRUNED
    assert counted_trials(second) == 2


def test_a_trial_whose_worker_was_killed_outright_is_failed_once_its_heartbeat_stops(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(studies, "HEARTBEAT_SECONDS", 1)
    monkeypatch.setattr(studies, "GRACE_SECONDS", 1)
    storage = f"sqlite:///{tmp_path}/optuna.db"
    killed, alive = (open_study(**STUDY, storage=storage) for _ in range(2))
    with heartbeats([killed.ask(SPACE)]):  # beats while its job runs...
        time.sleep(1.5)
        assert counted_trials(alive) == 1  # counting fails stale trials: this one is not
        assert alive.trials[0].state == TrialState.RUNNING
    time.sleep(2.5)  # ...then the worker is gone: no tell, no more beats
    assert counted_trials(alive) == 1
    assert alive.trials[0].state == TrialState.FAIL


@pytest.mark.slow
def test_two_workers_fill_one_study_and_a_third_finds_it_complete(tmp_path):
    store = new_store(tmp_path / "store")
    storage = f"sqlite:///{tmp_path}/optuna.db"
    arguments = ["-m", "hparams_search=optuna", *TINY_MOONS, "tracking.log_model=false"]
    arguments += ["hydra.sweeper.n_trials=2", f"hydra.sweeper.storage={storage}"]
    arguments += ["hydra.sweeper.study_name=moons", *store_overrides(store)]

    def worker(_):
        return run_cli("train", arguments, cwd=tmp_path)  # sweep folders in tmp_path/outputs

    with ThreadPoolExecutor(max_workers=2) as pool:
        for result in pool.map(worker, range(2)):
            assert result.returncode == 0, result.stderr
    study = optuna.load_study(study_name="moons", storage=storage)
    trials = study.get_trials(states=COUNTED)
    assert [trial.state for trial in trials] == [TrialState.COMPLETE] * 2

    runs = runs_in(store)
    parents = runs[runs[f"tags.{sweeps.ROLE_TAG}"] == sweeps.ROLE_PARENT]
    assert len(parents) == 2
    assert (parents[f"tags.{STUDY_TAG}"] == "moons").all()
    assert (parents[f"tags.{STORAGE_TAG}"] == storage).all()
    jobs = runs[runs[f"tags.{sweeps.ROLE_TAG}"] == sweeps.ROLE_JOB]
    assert set(jobs["tags.mlflow.parentRunId"]) <= set(parents["run_id"])
    run_values = [[float(job[f"params.{key}"]) for key in SEARCHED] for _, job in jobs.iterrows()]
    trial_values = [[trial.params[key] for key in SEARCHED] for trial in trials]
    assert sorted(run_values) == sorted(trial_values)  # each trial is one child run

    third = run_cli("train", arguments, cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    assert "Study 'moons' already has its 2 trials (hydra.sweeper.n_trials)" in third.stdout
    assert counted_trials(optuna.load_study(study_name="moons", storage=storage)) == 2
    # Each worker reports the study, over all workers, as it was when the worker ended;
    # the third ran no trial of its own and reports the study's best.
    results = sorted(tmp_path.glob("outputs/sweeps/*/optimization_results.yaml"))
    summaries = [yaml.safe_load(path.read_text()) for path in results]
    assert [found["complete_trials"] + found["running_trials"] for found in summaries] == [2] * 3
    assert (summaries[-1]["best_value"], summaries[-1]["complete_trials"]) == (study.best_value, 2)
