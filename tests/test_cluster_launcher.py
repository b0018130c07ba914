"""Sweeps as cluster jobs (Hydra's submitit launcher): a process per job, preemption survived.

`hydra/launcher=submitit_local` runs each job the way `hydra/launcher=slurm` does on a cluster:
pickled, in a process of its own, requeued when preempted. One real sweep of two jobs serves the
tests here; one of its jobs is preempted mid-training with submitit's preemption signal, as
SLURM would, and must finish its own run.
"""

import concurrent.futures
import json
import os
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import mlflow
import pytest
from hydra import compose, initialize_config_dir

from kerasmap import stages, sweeps
from kerasmap.recording.lifecycle import FAILURE_TAG, tracked_run
from kerasmap.recording.resume import RUN_FILE
from kerasmap.recording.store import open_experiment

from pipeline_helpers import (
    CONF,
    TINY_MOONS,
    hydra_dirs,
    new_store,
    run_cli,
    runs_in,
    store_overrides,
    train_in_process,
)

# Two jobs: each is a process of its own (TensorFlow imported each time), and one of them
# is preempted and requeued; a grid of two keys is named and counted in test_sweeps.
DROPOUTS = ["0.0", "0.2"]
SWEEP = [f"model.dropout={','.join(DROPOUTS)}"]
EPOCHS = 6
# Epochs of ~100 steps: a job is still training well after the test sees its first epoch.
LONGER = [
    "data.num_samples=1000",
    "trainer.batch_size=8",
    f"trainer.epochs={EPOCHS}",
    f"trainer.patience={EPOCHS}",
    "tracking.log_model=false",
    "trainer.jit_compile=false",
]
PER_EPOCH = ("loss", "val_loss", "accuracy", "val_accuracy", "learning_rate")
# What submitit handles as preemption (its SUBMITIT_PREEMPT_SIGNAL default); SLURM sends it
# to a job it preempts, and before the time limit.
PREEMPTION_SIGNAL = signal.SIGUSR2


def job_process(cluster_job: str) -> int:
    """The process running a local submitit job: the one child of its controller, whose
    process id is the job id."""
    (child,) = Path(f"/proc/{cluster_job}/task/{cluster_job}/children").read_text().split()
    return int(child)


def preempt_a_job_after_its_first_epoch(folder: Path, sweep: concurrent.futures.Future) -> str:
    """Preempts the first job to back up an epoch (it has recorded it in MLflow by then);
    returns the job's run id."""
    client = mlflow.MlflowClient(f"sqlite:///{folder}/mlflow.db")
    client.search_experiments()  # opens the store now, not in the moment that counts
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not sweep.done():
        for backup in (folder / "backups").glob("*/latest"):
            run_id = json.loads((backup.parent / RUN_FILE).read_text())["run_id"]
            cluster_job = client.get_run(run_id).data.tags[sweeps.CLUSTER_JOB_TAG]
            os.kill(job_process(cluster_job), PREEMPTION_SIGNAL)
            return run_id
        time.sleep(0.02)
    pytest.fail("No job of the sweep was seen training, so none could be preempted.")


@pytest.fixture(scope="module")
def cluster_sweep(tmp_path_factory) -> SimpleNamespace:
    """A real `-m` sweep of two jobs through `hydra/launcher=submitit_local`, one preempted."""
    folder = new_store(tmp_path_factory.mktemp("cluster_sweep"))
    arguments = [
        "-m",
        "hydra/launcher=submitit_local",
        *TINY_MOONS,
        *LONGER,
        *SWEEP,
        *store_overrides(folder),
        *hydra_dirs(folder),
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        sweep = pool.submit(run_cli, "train", arguments)
        preempted = preempt_a_job_after_its_first_epoch(folder, sweep)
        result = sweep.result()
    assert result.returncode == 0, result.stderr
    runs = runs_in(folder)
    (parent_id,) = runs[runs[f"tags.{sweeps.ROLE_TAG}"] == sweeps.ROLE_PARENT].run_id
    jobs = runs[runs[f"tags.{sweeps.ROLE_TAG}"] == sweeps.ROLE_JOB]
    client = mlflow.MlflowClient()
    histories = {
        name: [point.step for point in client.get_metric_history(preempted, name)]
        for name in PER_EPOCH
    }
    preempted_run = client.get_run(preempted)
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(
        folder=folder,
        parent=runs[runs["run_id"] == parent_id].iloc[0],
        jobs=jobs,
        preempted=preempted_run,
        histories=histories,
    )


@pytest.mark.slow
def test_a_cluster_sweep_is_one_parent_with_a_finished_child_per_combination(cluster_sweep):
    parent, jobs = cluster_sweep.parent, cluster_sweep.jobs
    assert parent["status"] == "FINISHED"
    assert parent[f"metrics.{sweeps.JOBS_FINISHED_METRIC}"] == 2
    assert parent[f"metrics.{sweeps.JOBS_FAILED_METRIC}"] == 0
    assert len(jobs) == 2 and (jobs["status"] == "FINISHED").all()  # none twice
    assert (jobs["tags.mlflow.parentRunId"] == parent.run_id).all()
    assert set(jobs["tags.mlflow.runName"]) == {f"mlp-moons dropout={d}" for d in DROPOUTS}
    assert jobs[f"tags.{sweeps.CLUSTER_JOB_TAG}"].str.isdigit().all()


@pytest.mark.slow
def test_a_preempted_job_is_requeued_and_finishes_its_own_run(cluster_sweep):
    run = cluster_sweep.preempted
    assert run.info.status == "FINISHED"
    assert FAILURE_TAG not in run.data.tags
    for name, steps in cluster_sweep.histories.items():
        assert steps == list(range(EPOCHS)), name  # every epoch once: none lost, none twice
    job = run.data.tags[sweeps.CLUSTER_JOB_TAG]
    log = (cluster_sweep.folder / "sweep" / ".submitit" / job / f"{job}_0_log.out").read_text()
    assert "this job is preempted" in log and "Requeued job" in log, log


def test_an_exit_requested_in_a_run_leaves_it_killed_and_its_continuation_clean(tmp_path):
    experiment_id = open_experiment(
        f"sqlite:///{new_store(tmp_path)}/mlflow.db", "cluster", str(tmp_path / "mlruns")
    )
    with pytest.raises(SystemExit), tracked_run(experiment_id) as run:
        raise SystemExit(144)  # what submitit's preemption handler does on a local job
    stopped = mlflow.get_run(run.info.run_id)
    assert stopped.info.status == "KILLED"
    assert "exit request (status 144)" in stopped.data.tags[FAILURE_TAG]
    with tracked_run(experiment_id, run_id=run.info.run_id):
        pass
    continued = mlflow.get_run(run.info.run_id)
    assert continued.info.status == "FINISHED"
    assert FAILURE_TAG not in continued.data.tags


def test_a_run_stopped_after_its_training_is_continued_not_recorded_twice(tmp_path, monkeypatch):
    """A job preempted while its model is evaluated, when its backups are already gone."""
    evaluate = stages.evaluate

    def preempted_once(*arguments):
        monkeypatch.setattr(stages, "evaluate", evaluate)
        raise SystemExit(144)

    monkeypatch.setattr(stages, "evaluate", preempted_once)
    with pytest.raises(SystemExit):
        train_in_process(tmp_path, *TINY_MOONS, "tracking.log_model=false")
    continued = train_in_process(tmp_path, *TINY_MOONS, "tracking.log_model=false")
    assert len(runs_in(tmp_path)) == 1
    assert continued.info.status == "FINISHED"
    history = mlflow.MlflowClient().get_metric_history(continued.info.run_id, "loss")
    assert [point.step for point in history] == [0, 1]
    assert not any((tmp_path / "backups").iterdir())


def test_the_slurm_launcher_composes_with_its_knobs():
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose("config", ["hydra/launcher=slurm"], return_hydra_config=True)
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    for knob in ("partition", "account", "gpus_per_task", "gres"):
        assert launcher[knob] is None, knob
    assert launcher.timeout_min > 0 and launcher.cpus_per_task >= 1 and launcher.mem_gb > 0
    assert launcher.array_parallelism >= 1 and launcher.max_num_timeout >= 1
    assert launcher.submitit_folder.endswith("/.submitit/%j")
