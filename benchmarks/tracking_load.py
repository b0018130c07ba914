"""Load on the team tracking server: many writers logging metrics at once, as sweeps do.

    python benchmarks/tracking_load.py                   # its own PostgreSQL-backed server
    python benchmarks/tracking_load.py --uri http://127.0.0.1:5002 --writers 8 --seconds 20

Each writer is a process with a run of its own, logging through MLflow's client for the
given time, first one value per request (`log_metric`), then one epoch's metrics per request
(`log_batch` of the eight metrics a kerasmap epoch records). Without --uri, the script starts
PostgreSQL and `mlflow server` on loopback ports in a temporary folder, as `make server` does
(MLflow's 4 workers, or MLFLOW_WORKERS), and removes them after. Prints, per way of writing,
the requests and metric values written per second by all writers together, and the latency
of one request: median, 95th and 99th percentile.
"""

import argparse
import multiprocessing
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pandas as pd

from kerasmap.recording.secrets import redact_text

# What kerasmap's EpochLogger records for one epoch of a classifier.
EPOCH_METRICS = (
    "loss",
    "accuracy",
    "val_loss",
    "val_accuracy",
    "learning_rate",
    "epoch_seconds",
    "samples_per_second",
    "auc",
)
WAYS = {"log_metric (1 value)": 1, f"log_batch ({len(EPOCH_METRICS)} values)": len(EPOCH_METRICS)}


def write(uri: str, experiment_id: str, values: int, seconds: float, start, results) -> None:
    """One writer: logs into a run of its own for `seconds`, then reports its latencies."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    client = MlflowClient(uri)
    run_id = client.create_run(experiment_id).info.run_id
    latencies = []
    start.wait()  # every writer begins together, after its imports
    deadline = time.perf_counter() + seconds
    step = 0
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        if values == 1:
            client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
        else:
            now = int(time.time() * 1000)
            client.log_batch(run_id, [Metric(k, float(step), now, step) for k in EPOCH_METRICS])
        latencies.append(time.perf_counter() - began)
        step += 1
    client.set_terminated(run_id)
    results.put(latencies)


def measure(uri: str, experiment_id: str, values: int, writers: int, seconds: float) -> dict:
    """Runs `writers` processes at once; returns the row of the table for one way of writing."""
    context = multiprocessing.get_context("spawn")  # no state of this process in the writers
    start, results = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=write, args=(uri, experiment_id, values, seconds, start, results))
        for _ in range(writers)
    ]
    for process in processes:
        process.start()
    latencies = np.concatenate([results.get() for _ in processes]) * 1000
    for process in processes:
        process.join()
    requests_per_second = len(latencies) / seconds
    return {
        "requests/s": round(requests_per_second),
        "values/s": round(requests_per_second * values),
        "median ms": round(float(np.median(latencies)), 1),
        "p95 ms": round(float(np.percentile(latencies, 95)), 1),
        "p99 ms": round(float(np.percentile(latencies, 99)), 1),
    }


def start_server(stack: ExitStack) -> str:
    """PostgreSQL and `mlflow server` in a temporary folder, stopped and removed on exit."""
    from kerasmap.server.postgres import free_loopback_port, running_postgres
    from kerasmap.server.tracking_server import (
        start_tracking_server,
        stop_tracking_server,
        wait_until_answering,
    )

    folder = Path(tempfile.mkdtemp(prefix="kerasmap-tracking-load-"))
    folder.chmod(0o755)  # open to the account PostgreSQL runs as when this runs as root
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    database = stack.enter_context(running_postgres(folder / "postgres"))
    port = free_loopback_port()
    server = start_tracking_server(
        database.url, str(folder / "artifacts"), folder, port, log=folder / "server.log"
    )
    stack.callback(stop_tracking_server, server)
    uri = f"http://127.0.0.1:{port}"
    wait_until_answering(uri, server)
    return uri


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", help="a running tracking server (default: start one)")
    parser.add_argument("--writers", type=int, default=8, help="processes at once (default 8)")
    parser.add_argument("--seconds", type=float, default=10, help="per way of writing")
    arguments = parser.parse_args()
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"  # no line per finished run
    with ExitStack() as stack:
        uri = arguments.uri or start_server(stack)
        from mlflow import MlflowClient

        experiment_id = MlflowClient(uri).create_experiment(f"tracking-load-{time.time():.0f}")
        rows = {
            way: measure(uri, experiment_id, values, arguments.writers, arguments.seconds)
            for way, values in WAYS.items()
        }
    print(f"{arguments.writers} writers, {arguments.seconds:g} s each way, {redact_text(uri)}")
    print(pd.DataFrame(rows).T.to_markdown())


if __name__ == "__main__":
    main()
