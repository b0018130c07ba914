"""The MLflow UI over the local store, opened on the runs of the kerasmap experiment.

    python pipelines/ui.py                       # make ui: http://127.0.0.1:5000
    python pipelines/ui.py --port 5050 tracking.experiment=moons_binary

Prints the address of the experiment's runs table, then serves `mlflow ui` on 127.0.0.1.
"""

import argparse

from kerasmap.cli import user_errors_exit
from kerasmap.reports.ui import serve_ui


@user_errors_exit()
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000, help="loopback port (default 5000)")
    parser.add_argument("overrides", nargs="*", help="key=value, e.g. tracking.uri=...")
    arguments = parser.parse_args()
    serve_ui(arguments.port, arguments.overrides)


if __name__ == "__main__":
    main()
