"""`make sync`: copy a local store's runs, with their artifacts and models, to another store.

A copy is tagged with its source run's id, so a run already on the target is skipped and a
second sync copies nothing. A run still RUNNING is skipped with a note, and so are the runs
nested in it, until a later sync finds it ended.
"""

import argparse
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlflow.entities import Experiment, Run, RunStatus

from kerasmap.cli import user_errors_exit
from kerasmap.console import quiet_progress_bars
from kerasmap.syncing.run_copy import SOURCE_RUN_TAG, RunCopy, copy_run
from kerasmap.syncing.stores import Store, open_source, open_target

PARENT_TAG = "mlflow.parentRunId"


@dataclass
class SyncReport:
    """What a sync did: runs copied (with their models) and runs skipped, by reason."""

    copied: int = 0
    models: int = 0
    already_copied: int = 0
    still_running: list[str] = field(default_factory=list)


def sync(source: Store, target: Store) -> SyncReport:
    """Copies every run of every experiment of `source` that `target` does not hold yet.

    Experiments are matched by name and created on the target when missing. Parents are
    copied before the runs nested in them, so every link between runs points at the copies.
    """
    report, ids, copies = SyncReport(), {}, []
    for experiment in source.client.search_experiments():
        runs = _parents_first(list(_runs(source.client, experiment.experiment_id)))
        ids |= dict.fromkeys((run.info.run_id for run in runs), None)
        found = target.client.get_experiment_by_name(experiment.name)
        ids |= _copies_in(target.client, found.experiment_id) if found else {}
        for run in runs:
            waiting = _why_waiting(run, report.still_running)
            if ids[run.info.run_id] is not None:
                report.already_copied += 1
            elif waiting:
                report.still_running.append(run.info.run_id)
                print(f"Skipped run {run.info.run_id} ({run.info.run_name}): {waiting}")
            else:
                copies.append(_copy(run, experiment, source, target, ids))
                report.copied += 1
                report.models += copies[-1].models
    for copy in copies:  # e.g. a sweep's best job, copied after its parent
        for key, source_id in copy.later_links.items():
            if ids[source_id] is not None:
                target.client.set_tag(copy.run_id, key, ids[source_id])
    return report


def summary(report: SyncReport, target_uri: str) -> str:
    """The last line a sync prints: what it copied and what it skipped, and why."""
    skipped = report.already_copied + len(report.still_running)
    return (
        f"Copied {_count(report.copied, 'run')} ({_count(report.models, 'model')}) to "
        f"{target_uri}; skipped {skipped} ({report.already_copied} already copied, "
        f"{len(report.still_running)} still running)."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@user_errors_exit()
def main(argv: list[str]) -> int:
    """`pipelines/sync.py <source> <target>`: syncs and prints what it did; exit status 0."""
    parser = argparse.ArgumentParser(prog="pipelines/sync.py", description=__doc__.splitlines()[0])
    parser.add_argument("source", help="the local store: a path to mlflow.db, or sqlite:///...")
    parser.add_argument("target", help="the tracking URI to copy to, e.g. http://server:5000")
    arguments = parser.parse_args(argv)
    quiet_progress_bars()
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # a new store's table creation
    source = open_source(arguments.source)
    target = open_target(arguments.target, source)
    print(summary(sync(source, target), target.uri))
    return 0


def _copy(run: Run, experiment: Experiment, source: Store, target: Store, ids: dict) -> RunCopy:
    experiment_id = _experiment_on(target.client, experiment)
    copy = copy_run(source.client.get_run(run.info.run_id), source, target, experiment_id, ids)
    ids[run.info.run_id] = copy.run_id
    print(f"Copied run {run.info.run_id} ({run.info.run_name}) as {copy.run_id}")
    return copy


def _experiment_on(client, experiment: Experiment) -> str:
    """The id of the target's experiment of the same name, created like the source's if missing."""
    found = client.get_experiment_by_name(experiment.name)
    if found is not None:
        return found.experiment_id
    return client.create_experiment(experiment.name, tags=experiment.tags)


def _why_waiting(run: Run, still_running: list[str]) -> str | None:
    """Why `run` is not copied yet: it, or the run it is nested in, has not ended."""
    if not RunStatus.is_terminated(RunStatus.from_string(run.info.status)):
        return f"still {run.info.status}; sync again once it has ended"
    if run.data.tags.get(PARENT_TAG) in still_running:
        return f"the run it is nested in, {run.data.tags[PARENT_TAG]}, is still running"
    return None


def _runs(client, experiment_id: str, filter_string: str = "") -> Iterator[Run]:
    """Every active run of an experiment that matches `filter_string`, page by page."""
    token = None
    while True:
        page = client.search_runs(
            [experiment_id], filter_string, max_results=1000, page_token=token
        )
        yield from page
        token = page.token
        if not token:
            return


def _copies_in(client, experiment_id: str) -> dict[str, str]:
    """Source run id -> run id of every copy a sync made into this experiment of the target."""
    copies = _runs(client, experiment_id, f"tags.`{SOURCE_RUN_TAG}` LIKE '%'")
    return {run.data.tags[SOURCE_RUN_TAG]: run.info.run_id for run in copies}


def _parents_first(runs: list[Run]) -> list[Run]:
    """`runs` ordered by nesting depth, then start time: a parent before its children."""
    parents = {run.info.run_id: run.data.tags.get(PARENT_TAG) for run in runs}

    def depth(run_id: str) -> int:
        return 0 if parents[run_id] not in parents else 1 + depth(parents[run_id])

    return sorted(runs, key=lambda run: (depth(run.info.run_id), run.info.start_time))
