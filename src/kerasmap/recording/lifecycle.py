"""A run that always ends: FINISHED, FAILED with its reason, or KILLED when stopped."""

import contextlib
from collections.abc import Iterator

import mlflow

from kerasmap.recording.reachability import raise_if_server_lost

FAILURE_TAG = "kerasmap.failure"
# Ways a process is stopped from outside rather than failing: Ctrl-C or `kill`, and the
# `sys.exit` of submitit's handler for a cluster's preemption or time-limit signal.
STOPS = (KeyboardInterrupt, SystemExit)


def stop_reason(stop: BaseException) -> str:
    """Why a stopped run ended KILLED, for its `FAILURE_TAG`."""
    if isinstance(stop, KeyboardInterrupt):
        return "Interrupted (Ctrl-C or SIGINT)."
    return (
        f"Stopped by an exit request (status {stop.code}), e.g. a cluster preempting or "
        "requeueing the job; running the same config again continues this run."
    )


@contextlib.contextmanager
def tracked_run(
    experiment_id: str,
    *,
    run_name: str | None = None,
    tags: dict[str, str] | None = None,
    parent_run_id: str | None = None,
    run_id: str | None = None,
) -> Iterator[mlflow.ActiveRun]:
    """Starts an MLflow run and guarantees it never stays RUNNING.

    Args:
        experiment_id: The experiment to record the run in.
        run_name: A name for the run; `None` lets MLflow pick one. Defaults to `None`.
        tags: Tags set when the run starts. Defaults to `None`.
        parent_run_id: Nest the run under this one (a sweep's parent run).
            Defaults to `None`.
        run_id: Continue this existing run (it becomes RUNNING again, without the reason
            it stopped) instead of starting a new one. Defaults to `None`.

    Yields:
        The active run.
    """
    if run_id is not None:
        run = mlflow.start_run(run_id=run_id, tags=tags)
        if FAILURE_TAG in run.data.tags:
            mlflow.delete_tag(FAILURE_TAG)
    else:
        run = mlflow.start_run(
            experiment_id=experiment_id, run_name=run_name, tags=tags, parent_run_id=parent_run_id
        )
    try:
        yield run
    except STOPS as stop:
        mlflow.set_tag(FAILURE_TAG, stop_reason(stop))
        mlflow.end_run(status="KILLED")
        raise
    except BaseException as error:
        raise_if_server_lost(run.info.run_id)  # else ending the run would retry for minutes
        mlflow.set_tag(FAILURE_TAG, f"{type(error).__name__}: {error}"[:5000])
        mlflow.end_run(status="FAILED")
        raise
    mlflow.end_run(status="FINISHED")
