"""`make serve`: MLflow's scoring server answers real HTTP requests with class names.

Two real servers, started once for the module: the table model as `models:/homes@champion`
(registered in a copy of the `own_runs` store) and the image-folder CNN by its run id.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import mlflow
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kerasmap.recording.registry import logged_model_id, register_logged_model
from kerasmap.reports import serve

from servers import (
    QUIET_MLFLOW,
    REPO_ROOT,
    free_port,
    loopback,
    stop_process_group,
    wait_until_healthy,
)

pytestmark = pytest.mark.slow

TABLE_COLUMNS = ["age", "city", "rooms", "member", "joined", "notes"]
GOOD_ROW = [37.0, "oslo", 4, "yes", "2021-11-17", "modern old garden cosy note 4"]


@pytest.fixture(scope="module")
def registered_store(own_runs, tmp_path_factory) -> str:
    """A copy of the `own_runs` database where the table model is `models:/homes@champion`.

    Only the database is copied: registering writes nothing but rows, and the runs' own
    artifacts stay where the shared fixture keeps them.
    """
    folder = tmp_path_factory.mktemp("registered")
    shutil.copyfile(own_runs.folder / "mlflow.db", folder / "mlflow.db")
    uri = f"sqlite:///{folder}/mlflow.db"
    mlflow.set_tracking_uri(uri)
    try:
        run_id = own_runs.runs["classification"].info.run_id
        version = register_logged_model(logged_model_id(run_id), "homes")
        mlflow.MlflowClient().set_registered_model_alias("homes", "champion", version.version)
    finally:
        mlflow.set_tracking_uri(None)
    return uri


@pytest.fixture(scope="module")
def servers(own_runs, registered_store, tmp_path_factory):
    """`pipelines/serve.py` for the table and the image model, started side by side."""
    folder = tmp_path_factory.mktemp("serve")
    references = {"table": "models:/homes@champion", "images": own_runs.runs["images"].info.run_id}
    started = {
        kind: start_server(reference, registered_store, folder / kind)
        for kind, reference in references.items()
    }
    try:
        for server in started.values():
            wait_until_healthy(server.address, server.process)
        yield started
    finally:
        for server in started.values():
            stop_process_group(server.process)


def start_server(reference: str, store_uri: str, folder: Path) -> SimpleNamespace:
    """Starts `pipelines/serve.py` on a free port; what it prints goes to `folder/printed.txt`."""
    folder.mkdir()
    port = free_port()
    command = [
        sys.executable,
        str(REPO_ROOT / "pipelines" / "serve.py"),
        reference,
        *("--port", str(port)),
        f"tracking.uri={store_uri}",
    ]
    printed = folder / "printed.txt"
    # Its own process group: `mlflow models serve` starts uvicorn as a child, and both must
    # stop. The temporary folder receives the example request of a long input (pixels).
    with printed.open("w") as stdout:
        process = subprocess.Popen(
            command,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **QUIET_MLFLOW, "TMPDIR": str(folder)},
            start_new_session=True,
        )
    address = f"http://127.0.0.1:{port}"
    return SimpleNamespace(address=address, process=process, printed=printed)


def post(address: str, body) -> tuple[int, dict | str]:
    """POSTs `body` (bytes as they are, else as JSON) to /invocations: the status and answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{address}/invocations", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with loopback.open(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def table_request(columns: list[str], rows: list[list]) -> dict:
    return {"dataframe_split": {"columns": columns, "data": rows}}


def require_labelled(predictions: list[dict], class_names: set[str]) -> None:
    """Each answer names a class and holds each class's probability, summing to 1."""
    for prediction in predictions:
        assert prediction["label"] in class_names
        per_class = {name: prediction[f"probability_{name}"] for name in class_names}
        assert sum(per_class.values()) == pytest.approx(1.0, abs=1e-5)
        assert prediction["probability"] == pytest.approx(per_class[prediction["label"]])


def test_the_command_prints_the_address_and_a_curl_example_that_works(servers):
    table = servers["table"]
    lines = table.printed.read_text().splitlines()[:4]  # then uvicorn's log of requests
    assert lines[0].startswith("Serving models:/homes@champion (run ")
    assert lines[0].endswith(f") at {table.address}")
    assert lines[1] == "Try it:"
    assert lines[3] == "Stop the server with Ctrl-C."
    curl = shlex.split(lines[2])
    assert curl[:4] == [
        "curl",
        f"{table.address}/invocations",
        "-H",
        "Content-Type: application/json",
    ]
    status, answer = post(table.address, curl[5].encode())
    assert status == 200
    require_labelled(answer["predictions"], {"high", "low"})


def test_rows_of_the_table_get_class_names_and_probabilities(servers, own_runs):
    rows = pd.read_csv(own_runs.folder / "homes.csv").drop(columns=["price", "band"]).head(6)
    split = {"dataframe_split": json.loads(rows.to_json(orient="split", index=False))}
    records = {"dataframe_records": json.loads(rows.to_json(orient="records"))}
    for request in (split, records):
        status, answer = post(servers["table"].address, request)
        assert status == 200, answer
        assert len(answer["predictions"]) == len(rows)
        require_labelled(answer["predictions"], {"high", "low"})


def test_images_sent_as_nested_lists_get_class_names(servers, own_runs):
    images = own_runs.folder / "images"
    pixels = [np.asarray(Image.open(images / label / "0.png")) for label in ("dark", "light")]
    status, answer = post(servers["images"].address, {"inputs": np.stack(pixels).tolist()})
    assert status == 200, answer
    require_labelled(answer["predictions"], {"dark", "light"})
    # A model's example of pixels is too long to print; the command writes it to a file.
    curl = shlex.split(servers["images"].printed.read_text().splitlines()[2])
    assert curl[-1].startswith("@")
    status, answer = post(servers["images"].address, Path(curl[-1][1:]).read_bytes())
    assert status == 200, answer


@pytest.mark.parametrize(
    "kind, body, message",
    [
        ("table", table_request(TABLE_COLUMNS[:-1], [GOOD_ROW[:-1]]), "missing inputs ['notes']"),
        ("table", table_request(TABLE_COLUMNS, [["old", *GOOD_ROW[1:]]]), "column age"),
        (
            "table",
            table_request(TABLE_COLUMNS, [[*GOOD_ROW[:4], "someday", GOOD_ROW[5]]]),
            "Column `joined` holds 'someday' at index 0, which is not a date.",
        ),
        ("table", table_request(TABLE_COLUMNS[:2], [GOOD_ROW]), "2 columns passed"),
        ("table", b"age,city\n37,oslo", "valid JSON"),
        ("table", {"rows": [GOOD_ROW]}, "exactly one of the input fields"),
        ("images", {"inputs": np.zeros((1, 16, 16), np.uint8).tolist()}, "Shape of input"),
        (
            "images",
            {"inputs": [np.zeros((4, 4, 3)).tolist(), np.zeros((5, 5, 3)).tolist()]},
            "inhomogeneous",
        ),
    ],
    ids=[
        "missing column",
        "not a number",
        "not a date",
        "wrong shape",
        "not JSON",
        "unknown format",
        "image without channels",
        "images of two sizes",
    ],
)
def test_a_malformed_request_gets_400_with_a_message_and_the_server_keeps_serving(
    servers, kind, body, message
):
    address = servers[kind].address
    status, answer = post(address, body)
    assert status == 400
    assert message in answer["message"]
    good = (
        table_request(TABLE_COLUMNS, [GOOD_ROW])
        if kind == "table"
        else {"inputs": np.zeros((1, 8, 8, 3), np.uint8).tolist()}
    )
    assert post(address, good)[0] == 200


def test_an_unknown_run_is_one_sentence_and_exit_2_before_any_server(registered_store, capsys):
    with pytest.raises(SystemExit) as exit:
        serve.main(["0123456789abcdef", "--port", "1", f"tracking.uri={registered_store}"])
    assert exit.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("Error: Received an invalid value for `RUN`")
    assert line.endswith("Received: RUN=0123456789abcdef")
