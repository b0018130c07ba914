"""A run that always ends: FINISHED, FAILED with its reason, or KILLED on Ctrl-C."""

import contextlib
from collections.abc import Iterator

import mlflow

FAILURE_TAG = "kerasmap.failure"


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
        run_id: Continue this existing run (it becomes RUNNING again) instead of
            starting a new one. Defaults to `None`.

    Yields:
        The active run.
    """
    if run_id is not None:
        run = mlflow.start_run(run_id=run_id, tags=tags)
    else:
        run = mlflow.start_run(
            experiment_id=experiment_id, run_name=run_name, tags=tags, parent_run_id=parent_run_id
        )
    try:
        yield run
    except KeyboardInterrupt:
        mlflow.set_tag(FAILURE_TAG, "Interrupted (Ctrl-C or SIGINT).")
        mlflow.end_run(status="KILLED")
        raise
    except BaseException as error:
        mlflow.set_tag(FAILURE_TAG, f"{type(error).__name__}: {error}"[:5000])
        mlflow.end_run(status="FAILED")
        raise
    mlflow.end_run(status="FINISHED")
