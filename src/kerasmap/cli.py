"""What every entry point in `pipelines/` does around its work.

A user mistake (`KerasmapError`) becomes one `Error: ` sentence on stderr and exit status 2,
in one place: `user_errors_exit`, a context manager that is also a decorator. Hydra entry
points are started by `start`, which checks the overrides before Hydra writes anything,
ends a killed sweep's parent run, and leaves without tearing the interpreter down.
"""

import atexit
import contextlib
import inspect
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from omegaconf import DictConfig

from kerasmap.config.compose import CONFIG_DIR
from kerasmap.config.preflight import with_open_mappings
from kerasmap.console import quiet_progress_bars
from kerasmap.errors import KerasmapError

USER_ERROR_STATUS = 2
INTERRUPTED_STATUS = 130


@contextlib.contextmanager
def user_errors_exit() -> Iterator[None]:
    """Turns a `KerasmapError` raised inside into one `Error: ` line on stderr and exit 2.

    Inside a `@hydra.main` function, use it as `with user_errors_exit():`: Hydra reports
    other exceptions itself, with a traceback, but lets `SystemExit` through.
    """
    try:
        yield
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(USER_ERROR_STATUS) from None


@user_errors_exit()
def preflight(
    config_name: str, arguments: list[str], checks: Iterable[Callable] = (), job_name: str = "app"
) -> DictConfig | None:
    """Composes and validates `config_name` with `arguments` before Hydra runs.

    Args:
        config_name: The config in `conf/`, e.g. `"config"` or `"compare"`.
        arguments: The command line, without the program name.
        checks: More checks of `arguments`, each raising `KerasmapError`.
        job_name: Hydra's `hydra.job.name`, the entry point's name. Defaults to `"app"`.

    Returns:
        The composed config with its `hydra` node, or `None` when Hydra flags are given.
    """
    from kerasmap.config.preflight import check_overrides

    for check in checks:
        check(arguments)
    return check_overrides(str(CONFIG_DIR), config_name, arguments, job_name)


def start(hydra_main: Callable, config_name: str, checks: Iterable[Callable] = ()) -> None:
    """Runs a `@hydra.main` entry point as a command.

    Mistakes in the overrides are reported before Hydra creates its output folder. `kill`
    (SIGTERM) ends a run like Ctrl-C: KILLED, exit status 130. A sweep stopped before its
    end (a bad sweeper option, an interrupt) has its parent run closed. A command that
    succeeded ends as `_exit_finished` describes.
    """
    from kerasmap.config.single_run import is_single_run, run_composed
    from kerasmap.sweeps import close_open_sweeps

    sys.argv[1:] = with_open_mappings(sys.argv[1:])
    job_name = Path(inspect.unwrap(hydra_main).__code__.co_filename).stem  # as Hydra names it
    cfg = preflight(config_name, sys.argv[1:], checks, job_name)
    quiet_progress_bars()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if is_single_run(cfg):  # composed once: Hydra's own composing is left out
            run_composed(hydra_main, str(CONFIG_DIR), config_name, cfg)
        else:
            hydra_main()
    except KeyboardInterrupt:
        close_open_sweeps(status="KILLED")
        raise SystemExit(INTERRUPTED_STATUS) from None
    finally:
        close_open_sweeps(status="FAILED")
    _exit_finished()


def _exit_finished() -> None:
    """Exits with status 0 once everything is written, without tearing the interpreter down.

    Tearing down TensorFlow's objects and modules takes a second or more after a run has
    finished; nothing a user sees depends on it. What an exit must do is still done: the
    threads that keep a process alive are stopped and waited for as Python's own exit does
    (first the hooks that stop them, such as the parallel launcher's worker pool's), every
    `atexit` function runs (MLflow's, and `logging.shutdown`, which flushes Hydra's log
    file) and the streams are flushed.
    """
    threading._shutdown()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"Stopped by signal {signum}.")


def run_id_command(usage: str, command: Callable[[str, list[str]], int]) -> Callable:
    """A `main(argv)` for commands of the form `<run id> [key=value ...]`.

    Returns:
        A function of the command-line arguments that returns the exit status: 2 with
        the usage line when no run id is given, 2 with one sentence for a mistake.
    """

    @user_errors_exit()
    def main(argv: list[str]) -> int:
        if not argv or "=" in argv[0]:
            print(f"Usage: {usage}", file=sys.stderr)
            return USER_ERROR_STATUS
        quiet_progress_bars()
        return command(argv[0], argv[1:])

    return main


def split_options(arguments: list[str], options: dict[str, str | None]) -> tuple[dict, list[str]]:
    """Separates a command's own `key=value` options from config overrides.

    Args:
        arguments: The `key=value` arguments after the run id.
        options: The command's options (plain keys, no dots) and their defaults.

    Returns:
        `(values, overrides)`: every option's value (given or default), as a string or
        `None`, and the other arguments, which are config overrides.
    """
    values, overrides = dict(options), []
    for argument in arguments:
        key, _, value = argument.partition("=")
        if key in options:
            values[key] = value
        else:
            overrides.append(argument)
    return values, overrides
