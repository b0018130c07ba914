"""`make serve`'s latency and throughput for a small table model, against a real server.

python benchmarks/serve_latency.py [--rows 20] [--requests 300] [--clients 8] [--seconds 10]
                                   [--run <run id> --uri <tracking uri>]

Without `--run`, trains scikit-learn's iris table (150 rows, 4 numeric columns) with
`make train data=table` into a temporary store. Then starts `pipelines/serve.py` (what
`make serve` runs) on a free loopback port, waits until it answers, and measures:
the latency of one client's requests of `--rows` rows, one after another (p50, p90, p99),
and the requests per second that `--clients` concurrent clients get for `--seconds` (each
with its own keep-alive connection), with the errors counted. Prints a Markdown table.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sklearn import datasets

REPO_ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
QUIET = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MLFLOW_DISABLE_TELEMETRY": "true"}


def train_iris(folder: Path) -> tuple[str, str]:
    """Trains the default table model on iris; returns (run id, tracking uri)."""
    table = folder / "iris.csv"
    datasets.load_iris(as_frame=True).frame.to_csv(table, index=False)
    uri = f"sqlite:///{folder}/mlflow.db"
    command = [PYTHON, "pipelines/train.py", "data=table", f"data.path={table}"]
    command += ["data.target=target", f"tracking.uri={uri}", f"hydra.run.dir={folder}/outputs"]
    subprocess.run(command, cwd=REPO_ROOT, env=QUIET, check=True, capture_output=True)
    from mlflow import MlflowClient

    (run,) = MlflowClient(uri).search_runs(["1"], max_results=1)
    return run.info.run_id, uri


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(run_id: str, uri: str, port: int, log: Path) -> subprocess.Popen:
    command = [PYTHON, "pipelines/serve.py", run_id, "--port", str(port), f"tracking.uri={uri}"]
    server = subprocess.Popen(
        command, cwd=REPO_ROOT, env=QUIET, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/ping")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"The server did not answer within 120 s; see {log}")


def request_body(rows: int) -> bytes:
    frame = datasets.load_iris(as_frame=True).frame.drop(columns="target")
    chosen = frame.sample(rows, replace=rows > len(frame), random_state=0)
    return json.dumps({"dataframe_split": chosen.to_dict(orient="split")}).encode()


def post(connection: http.client.HTTPConnection, body: bytes) -> bool:
    connection.request(
        "POST", "/invocations", body=body, headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    response.read()
    return response.status == 200


def sequential_latencies(port: int, body: bytes, requests: int) -> list[float]:
    """Milliseconds of each of `requests` requests from one client, after 10 warm-up ones."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(10):
        post(connection, body)
    latencies = []
    for _ in range(requests):
        start = time.perf_counter()
        if not post(connection, body):
            sys.exit("A request failed; the server's log says why.")
        latencies.append(1000 * (time.perf_counter() - start))
    return latencies


def concurrent_throughput(port: int, body: bytes, clients: int, seconds: float) -> dict:
    """Requests per second and errors of `clients` clients posting for `seconds`."""
    done, errors, stop = [0] * clients, [0] * clients, time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            try:
                ok = post(connection, body)
            except OSError:
                connection.close()
                ok = False
            done[index] += ok
            errors[index] += not ok

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"rps": sum(done) / elapsed, "errors": sum(errors), "requests": sum(done)}


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--run", help="a logged run's id (default: train iris)")
    parser.add_argument("--uri", help="the run's tracking uri, with --run")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kerasmap-serve-bench-") as folder:
        folder = Path(folder)
        run_id, uri = (arguments.run, arguments.uri) if arguments.run else train_iris(folder)
        port = free_port()
        server = start_server(run_id, uri, port, folder / "server.log")
        try:
            body = request_body(arguments.rows)
            latencies = sequential_latencies(port, body, arguments.requests)
            load = concurrent_throughput(port, body, arguments.clients, arguments.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"\n`make serve` of run {run_id}: {arguments.rows}-row requests\n")
    print("| figure | value |\n| --- | ---: |")
    for share in (0.5, 0.9, 0.99):
        figure = percentile(latencies, share)
        print(f"| latency p{round(share * 100)}, one client, ms | {figure:.1f} |")
    print(f"| requests/s, {arguments.clients} concurrent clients | {load['rps']:.0f} |")
    print(f"| errors, {arguments.clients} concurrent clients | {load['errors']} |")


if __name__ == "__main__":
    main()
