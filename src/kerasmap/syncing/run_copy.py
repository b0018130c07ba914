"""Copy one run to another store: params, metric histories, tags, artifacts, logged models.

MLflow 3 keeps a run's logged models apart from its artifacts (under the experiment's
`models/<model id>/artifacts`), so each is created anew on the target, linked to the copy as
its output, and given the source model's metrics, params, tags and files.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import yaml
from mlflow.entities import LoggedModelOutput, LoggedModelStatus, Metric, Param, Run, RunTag

from kerasmap.syncing.stores import Store

SOURCE_RUN_TAG = "kerasmap.synced_from_run"  # on a copy: the id of the run it copies
SOURCE_STORE_TAG = "kerasmap.synced_from_store"  # on a copy: `host:/path/mlflow.db`
REGISTRY_TAG = "mlflow.modelVersions"  # the source registry's versions: not copied


@dataclass
class RunCopy:
    """A finished copy of a run.

    Args:
        run_id: The copy's run id on the target.
        models: How many logged models were copied with it.
        later_links: Tags naming a run not copied yet: key -> that run's source id.
    """

    run_id: str
    models: int = 0
    later_links: dict[str, str] = field(default_factory=dict)


def copy_run(run: Run, source: Store, target: Store, experiment_id: str, ids: dict) -> RunCopy:
    """Copies `run` into the target's experiment `experiment_id` and ends it as the source did.

    Args:
        ids: Source run id -> target run id of every run copied so far, and of every other
            run of this sync as `None`: a tag naming one of them is rewritten to the copy's id.

    Returns:
        The copy. If anything fails, the partial copy is deleted on the target.
    """
    client = target.client
    copy = RunCopy(
        client.create_run(
            experiment_id, start_time=run.info.start_time, run_name=run.info.run_name
        ).info.run_id
    )
    models = []
    try:
        client.log_batch(copy.run_id, metrics=_histories(source.client, run), params=_params(run))
        _copy_artifacts(source.client, run.info.run_id, client, copy.run_id)
        for output in run.outputs.model_outputs if run.outputs else []:
            model = source.client.get_logged_model(output.model_id)
            if model.status == LoggedModelStatus.READY:
                models.append(_copy_model(model, client, experiment_id, copy.run_id))
                client.log_outputs(copy.run_id, [LoggedModelOutput(models[-1], output.step)])
        tags = _linked_tags(run.data.tags, {**ids, run.info.run_id: copy.run_id}, copy)
        tags |= {SOURCE_RUN_TAG: run.info.run_id, SOURCE_STORE_TAG: source.label}
        client.log_batch(copy.run_id, tags=[RunTag(key, value) for key, value in tags.items()])
        client.set_terminated(copy.run_id, run.info.status, end_time=run.info.end_time)
    except BaseException:
        for model_id in models:
            client.delete_logged_model(model_id)
        client.delete_run(copy.run_id)
        raise
    copy.models = len(models)
    return copy


def _params(run: Run) -> list[Param]:
    return [Param(key, value) for key, value in run.data.params.items()]


def _histories(client, run: Run) -> list[Metric]:
    """Every recorded value of every metric of `run`, with its step and timestamp."""
    return [
        Metric(point.key, point.value, point.timestamp, point.step)
        for key in run.data.metrics
        for point in client.get_metric_history(run.info.run_id, key)
    ]


def _linked_tags(tags: dict[str, str], ids: dict, copy: RunCopy) -> dict[str, str]:
    """`tags` with each run id of the sync (a parent, a sweep, its best job) replaced by its copy's.

    A tag naming a run not copied yet keeps the source id and is noted in `copy.later_links`.
    """
    linked = {}
    for key, value in tags.items():
        if value in ids and ids[value] is None:
            copy.later_links[key] = value
        linked[key] = ids.get(value) or value
    return linked


def _copy_artifacts(source_client, run_id: str, target_client, copy_id: str) -> None:
    if not source_client.list_artifacts(run_id):
        return
    with tempfile.TemporaryDirectory() as folder:
        source_client.download_artifacts(run_id, "", folder)
        target_client.log_artifacts(copy_id, folder)


def _copy_model(model, client, experiment_id: str, copy_id: str) -> str:
    """Creates the copy of a logged model, with its files, metrics, params and tags.

    Returns:
        The copy's model id.
    """
    tags = {key: value for key, value in model.tags.items() if key != REGISTRY_TAG}
    copied = client.create_logged_model(
        experiment_id, model.name, copy_id, tags, model.params, model.model_type
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            files = mlflow.artifacts.download_artifacts(model.artifact_location, dst_path=folder)
            _point_mlmodel_at(Path(files) / "MLmodel", copied, copy_id)
            client.log_model_artifacts(copied.model_id, files)
        # The same values as the run's own points: MLflow links them, as its `log_model` does.
        metrics = [
            Metric(
                point.key,
                point.value,
                point.timestamp,
                point.step,
                model_id=copied.model_id,
                dataset_name=point.dataset_name,
                dataset_digest=point.dataset_digest,
                run_id=copy_id,
            )
            for point in model.metrics or []
        ]
        client.log_batch(copy_id, metrics=metrics)
        client.finalize_logged_model(copied.model_id, LoggedModelStatus.READY)
    except BaseException:
        client.delete_logged_model(copied.model_id)
        raise
    return copied.model_id


def _point_mlmodel_at(mlmodel: Path, model, run_id: str) -> None:
    """Rewrites the ids and location the `MLmodel` file records to the copy's."""
    if not mlmodel.is_file():
        return
    description = yaml.safe_load(mlmodel.read_text())
    description |= {
        "artifact_path": model.artifact_location,
        "model_id": model.model_id,
        "model_uuid": model.model_id,
        "run_id": run_id,
    }
    mlmodel.write_text(yaml.safe_dump(description, sort_keys=False))
