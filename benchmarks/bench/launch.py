"""Starting each way of training as a child process and turning what it left into figures."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mlflow import MlflowClient

from script_arguments import RESULT_PREFIX

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable


def run_measured(command: list[str], log_path: Path) -> dict:
    """Runs `command` from the repository root, its output to `log_path`.

    Returns:
        `start` (wall clock before the child starts), `wall_s`, `peak_rss_mb` (the child's
        own peak resident memory, read with `os.wait4`) and `returncode`.
    """
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MLFLOW_DISABLE_TELEMETRY": "true"}
    with open(log_path, "w") as log:
        start, clock = time.time(), time.perf_counter()
        child = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - clock
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "start": start,
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux reports kilobytes
        "returncode": child.returncode,
    }


def bare_script(framework: str, family: str, options: dict, log_path: Path) -> dict:
    """Runs `bare_keras.py` or `bare_torch.py` and reads its result line."""
    script = BENCH_DIR / ("bare_keras.py" if framework == "keras" else "bare_torch.py")
    command = [PYTHON, str(script), "--family", family, "--epochs", str(options["epochs"])]
    command += ["--batch-size", str(options["batch_size"]), "--data", options["data"]]
    command += ["--learning-rate", str(options["learning_rate"])]
    if options["limit"]:
        command += ["--limit", str(options["limit"])]
    process = run_measured(command, log_path)
    lines = [line for line in log_path.read_text().splitlines() if line.startswith(RESULT_PREFIX)]
    if process["returncode"] or not lines:
        return {**process, "error": f"failed, see {log_path}"}
    return {**process, **json.loads(lines[-1].removeprefix(RESULT_PREFIX))}


def kerasmap_run(
    family: str, options: dict, store: Path, run_name: str, log_path: Path, overrides=()
) -> dict:
    """Runs `pipelines/train.py` as a user would, tracked into `store`, and reads the run back.

    `overrides` are further Hydra overrides, e.g. `("data=image_folder",)`; `options["data"]`
    is the `data.path` either way.
    """
    uri = f"sqlite:///{store}/mlflow.db"
    command = [PYTHON, "pipelines/train.py", f"model={family}", f"tracking.run_name={run_name}"]
    command += overrides
    command += training_arguments(options, uri, store / "mlruns", store / "backups")
    process = run_measured(command, log_path)
    if process["returncode"]:
        return {**process, "error": f"failed, see {log_path}"}
    return {**process, **read_kerasmap_run(uri, run_name)}


def training_arguments(options: dict, uri: str, artifacts: Path, backups: Path) -> list[str]:
    """The overrides every kerasmap command of the benchmark shares: the data, the settings
    the three ways have in common, and a store of the benchmark's own."""
    arguments = [
        f"data.path={options['data']}",
        f"trainer.epochs={options['epochs']}",
        f"trainer.batch_size={options['batch_size']}",
        f"optimizer.learning_rate={options['learning_rate']}",
        "trainer.patience=1000",  # early stopping must not end a run before the others
        f"trainer.backup_dir={backups}",
        f"tracking.uri={uri}",
        f"tracking.artifact_root={artifacts}",
    ]
    if options["limit"]:
        arguments.append(f"data.limit={options['limit']}")
    return arguments


def read_kerasmap_run(tracking_uri: str, run_name: str) -> dict:
    """The per-epoch records and test accuracy of the run named `run_name`.

    An epoch's start is its `epoch_seconds` metric's timestamp (logged as the epoch ends)
    less its length, so the start-up is counted up to the first epoch as in the bare scripts.
    """
    client = MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name("kerasmap")
    (run,) = client.search_runs(
        [experiment.experiment_id], f"attributes.run_name = '{run_name}'", max_results=1
    )

    def history(name):
        points = client.get_metric_history(run.info.run_id, name)
        return sorted(points, key=lambda point: point.step)

    epochs = [
        {
            "start": seconds.timestamp / 1000 - seconds.value,
            "seconds": seconds.value,
            "samples_per_second": rate.value,
            "val_accuracy": accuracy.value,
        }
        for seconds, rate, accuracy in zip(
            history("epoch_seconds"),
            history("samples_per_second"),
            history("val_accuracy"),
            strict=True,
        )
    ]
    return {"epochs": epochs, "test_accuracy": run.data.metrics["test_accuracy"]}
