"""Importing a benchmark's scripts as the scripts import one another: by bare name."""

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest


def script_modules(
    folder: Path, names: tuple[str, ...], also_imported: tuple[str, ...] = ()
) -> Iterator[SimpleNamespace]:
    """Yields the scripts `names` of `folder`, imported with the folder on `sys.path`, as the
    scripts run from it find each other; then forgets them and `also_imported`, the bare
    names they imported, so another benchmark's module of the same name imports afresh."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(folder))
        modules = {name: importlib.import_module(name) for name in names}
    yield SimpleNamespace(**modules)
    for name in (*names, *also_imported):
        sys.modules.pop(name, None)
