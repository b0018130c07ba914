"""`make serve`: a logged model over HTTP on 127.0.0.1, with MLflow's own scoring server.

    python pipelines/serve.py <run id>                          # make serve: port 5001
    python pipelines/serve.py models:/homes@champion --port 5050 tracking.uri=...

Prints the address and a curl command that sends the model's own input example, then
replaces this process with `mlflow models serve` over the store the overrides choose.
"""

import argparse
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path

from kerasmap.cli import user_errors_exit
from kerasmap.console import quiet_progress_bars, verbose

HOST = "127.0.0.1"
LONGEST_INLINE_REQUEST = 400  # characters; a longer example goes to a file that curl reads


@user_errors_exit()
def main(argv: list[str]) -> None:
    """`python pipelines/serve.py <run id or models:/name@alias> [--port N] [key=value ...]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a run id, or models:/<name>@<alias> or models:/<name>/<N>")
    parser.add_argument("--port", type=int, default=5001, help="loopback port (default 5001)")
    parser.add_argument("overrides", nargs="*", default=[], help="key=value, e.g. tracking.uri=...")
    # Intermixed: `make serve` puts the overrides after `--port`, the run id before it.
    arguments = parser.parse_intermixed_args(argv)
    serve_model(arguments.run, arguments.port, arguments.overrides)


def serve_model(reference: str, port: int, overrides: list[str]) -> None:
    """Prints how to call the model, then replaces this process with MLflow's scoring server.

    Args:
        reference: A run id, `models:/<name>@<alias>` or `models:/<name>/<version>`.
        port: The loopback port to serve on.
        overrides: Config overrides choosing the store (`tracking.uri`).

    Raises:
        ConfigError: If the store has no such run or registered model, or an override is
            invalid; raised before the server starts.
    """
    import mlflow

    from kerasmap.reports.evaluate import use_store_of
    from kerasmap.reports.model_reference import resolve_model

    use_store_of(overrides)
    model = resolve_model(reference)
    address = f"http://{HOST}:{port}"
    quiet_progress_bars()  # MLflow's download bars, here and in the server
    if not verbose():  # TensorFlow's start-up lines in the server (KERASMAP_VERBOSE=1 shows them)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    print(f"Serving {model.model_uri} (run {model.run_id}) at {address}")
    print(f"Try it:\n  {curl_example(model.model_uri, address, port)}")
    print("Stop the server with Ctrl-C.", flush=True)
    # The server's own processes find the model through MLflow's environment variables:
    # the store, and its registry, that resolved it here.
    os.environ["MLFLOW_TRACKING_URI"] = mlflow.get_tracking_uri()
    os.environ["MLFLOW_REGISTRY_URI"] = mlflow.get_registry_uri()
    _exec_mlflow(
        [
            *("models", "serve", "-m", model.model_uri, "--env-manager", "local"),
            *("-h", HOST, "-p", str(port)),
        ]
    )


def curl_example(model_uri: str, address: str, port: int) -> str:
    """A curl command that posts the model's own input example (its first row) to `address`.

    A short request is written inline; a long one (pixels) goes to a JSON file in the
    temporary folder, which curl reads.
    """
    from mlflow.models.utils import load_serving_example

    request = json.dumps(first_row(json.loads(load_serving_example(model_uri))))
    if len(request) <= LONGEST_INLINE_REQUEST:
        data = shlex.quote(request)
    else:
        path = Path(tempfile.gettempdir()) / f"kerasmap-serve-{port}.json"
        path.write_text(request)
        data = f"@{path}"
    return f"curl {address}/invocations -H 'Content-Type: application/json' -d {data}"


def first_row(request: dict) -> dict:
    """A `dataframe_split` or `inputs` request cut to its first example."""
    if "dataframe_split" in request:
        split = request["dataframe_split"]
        return {"dataframe_split": {"columns": split["columns"], "data": split["data"][:1]}}
    return {
        key: values[:1] if isinstance(values, list) else values for key, values in request.items()
    }


def _exec_mlflow(arguments: list[str]) -> None:
    """Replaces this process with this environment's `mlflow`, its commands on PATH.

    MLflow starts the server as `uvicorn` found on PATH, so without the virtual
    environment's folder there it fails outside an activated environment.
    """
    scripts = Path(sys.executable).parent
    path = os.pathsep.join([str(scripts), os.environ.get("PATH", "")])
    command = [str(scripts / "mlflow"), *arguments]
    os.execve(command[0], command, {**os.environ, "PATH": path})
