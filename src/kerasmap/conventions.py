"""Find a dataset's loader or a model family's builder by the name of its module.

`kerasmap.data.datasets.<name>` defines `load_<name>`; `kerasmap.models.<family>` defines
`build_<family>`. Adding one is adding its module: no table lists them.
"""

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType


def named_function(package: ModuleType, name: str, prefix: str) -> Callable | None:
    """`<package>.<name>.<prefix><name>`, or `None` when there is no such module or function."""
    module_name = f"{package.__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise  # the module exists but needs a package that is not installed
        return None
    return getattr(module, f"{prefix}{name}", None)


def names_with_function(package: ModuleType, prefix: str) -> list[str]:
    """The sorted names of the modules of `package` that define `<prefix><module name>`."""
    names = (module.name for module in pkgutil.iter_modules(package.__path__))
    return sorted(name for name in names if named_function(package, name, prefix) is not None)
