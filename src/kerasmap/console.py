"""What a run prints: kerasmap's own lines, Keras's progress and the result.

TensorFlow writes start-up lines from C++ as it loads (oneDNN, CUDA drivers not found,
`cuInit` failed, `absl::InitializeLog`) before its own log level applies, and warns about
`tf.function` retracing from Python. On a CPU none of it needs the user's attention, so it
is hidden unless `KERASMAP_VERBOSE=1` (`make train VERBOSE=1`). Errors still surface: a
failing import shows what TensorFlow wrote, and errors while training raise exceptions.
"""

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator

VERBOSE_VARIABLE = "KERASMAP_VERBOSE"


def verbose() -> bool:
    """Whether TensorFlow's own log lines are wanted (`KERASMAP_VERBOSE=1`)."""
    return os.environ.get(VERBOSE_VARIABLE, "") not in ("", "0", "false")


def quiet_progress_bars() -> None:
    """Hides MLflow's progress bars for artifact downloads, unless verbose.

    Also MLflow's own "View run" lines for a tracking server: a finished run prints the
    same address in its summary.
    """
    if not verbose():
        os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
        os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")


def quiet_tensorflow() -> None:
    """Loads TensorFlow and its devices without their log lines, unless verbose.

    Call it before anything imports TensorFlow; later calls only keep its Python logger
    at ERROR.
    """
    if verbose():
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        with native_stderr_hidden():
            import tensorflow as tf

            tf.config.list_physical_devices("GPU")  # CUDA's start-up lines, now or never
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    # MLflow's INFO lines (a new store's tables, checking an input example) ask nothing of
    # the user; kerasmap prints the run's link itself. MLflow sets its level on import.
    import mlflow  # noqa: F401

    logging.getLogger("mlflow").setLevel(logging.WARNING)


@contextlib.contextmanager
def native_stderr_hidden() -> Iterator[None]:
    """Hides what native code writes to file descriptor 2 inside the block.

    If the block raises, what was written is shown before the error propagates.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def print_run_summary(run_id: str, metrics: dict[str, float], run_url: str) -> None:
    """The last lines of a finished run: its id, its test metrics and where to look at it."""
    tested = {name: value for name, value in sorted(metrics.items()) if name.startswith("test_")}
    print(f"\nRun {run_id} finished.")
    for name, value in tested.items():
        # A cross-validation reports its folds' mean and deviation, and its average model's.
        spread, averaged = metrics.get(f"std_{name}"), metrics.get(f"ensemble_{name}")
        line = f"  {name:<16} {value:.4f}" + (f" +/- {spread:.4f}" if spread is not None else "")
        print(line + (f"; average model {averaged:.4f}" if averaged is not None else ""))
    print(f"  View it:        {run_url}")
    cross_validated = any(name.startswith("std_") for name in metrics)
    if not cross_validated or any(name.startswith("ensemble_") for name in metrics):
        print(f"  Evaluate it:    make evaluate RUN={run_id}")
