"""The MLflow UI over the local store, opened on the runs of the kerasmap experiment.

    python pipelines/ui.py                       # make ui: http://127.0.0.1:5000
    python pipelines/ui.py --port 5050 tracking.experiment=moons_binary

Prints the address of the experiment's runs table, then serves `mlflow ui` on 127.0.0.1.
"""

import sys

from kerasmap.cli import user_errors_exit
from kerasmap.reports.ui import serve_ui


@user_errors_exit()
def main(argv: list[str]) -> None:
    port = 5000
    if argv[:1] == ["--port"]:
        port, argv = int(argv[1]), argv[2:]
    serve_ui(port, argv)


if __name__ == "__main__":
    main(sys.argv[1:])
