"""How the suite splits over pytest-xdist's two workers (`-n 2`, in pyproject.toml).

Modules that read the same expensive session fixture from `conftest.py` form one group, which
runs on one worker, so the fixture is made once; every other module is a group of its own,
so its module fixtures are made once too. Groups are handed out heaviest first (what the
tests cost on 2 cores), so the two workers finish at about the same time.

xdist's own `--dist loadgroup` cannot do this under pytest 9.2 (the group suffix it adds to
node ids no longer reaches its scheduler), so the grouping is a scheduler of its own.
"""

from pathlib import Path

import pytest

# Groups of modules sharing a session fixture, heaviest first.
SHARED_FIXTURE_GROUPS = {
    # cli_run, family_runs and own_runs: trained models that many modules read.
    "trained_models": (
        "test_export",
        "test_train_pipeline",
        "test_logged_models",
        "test_predict",
        "test_own_data",
        "test_serve",
        "test_bad_input_catalogue",
        "test_console",
        "test_evaluate_pipeline",
    ),
    # sweep_store and ui_server: two real `-m` sweeps, served by `make ui`.
    "sweeps": ("test_sweeps", "test_compare", "test_registry", "test_sync", "test_ui"),
}
# Modules of their own that take the longest: real processes and servers.
HEAVY_MODULES = (
    "test_team_server",
    "test_resume",
    "test_optuna_search",
    "test_reproducibility",
    "test_pretrained",
    "test_shared_optuna_study",
    "test_cluster_launcher",
    "test_fresh_store",
    "test_distribution",
)
ORDER = (*SHARED_FIXTURE_GROUPS, *HEAVY_MODULES)


def group_of(module: str) -> str:
    """The worker group of a test module: its shared-fixture group, or its own name."""
    for group, modules in SHARED_FIXTURE_GROUPS.items():
        if module in modules:
            return group
    return module


@pytest.hookimpl(optionalhook=True)  # called by pytest-xdist only
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    from xdist.scheduler import LoadScopeScheduling

    class WorkerGroupScheduling(LoadScopeScheduling):
        """xdist's scheduling by scope, with a module's worker group as its scope."""

        def _split_scope(self, nodeid: str) -> str:
            return group_of(Path(nodeid.split("::", 1)[0]).stem)

    return WorkerGroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort on the group keeps each module's tests together and in their order.
    items.sort(key=lambda item: _rank(group_of(item.path.stem)))


def _rank(group: str) -> int:
    return ORDER.index(group) if group in ORDER else len(ORDER)
