"""Peak memory of `make predict` on ever larger tables: it must stay bounded by the batch.

    python benchmarks/predict_memory.py                  # 10k, 100k and 1M rows
    python benchmarks/predict_memory.py --rows 10000 200000

Trains a small table model once (into a temporary store), writes tables of the homes kind
with the given numbers of rows, predicts each in a new process and prints, per table, its
size, the wall time and the peak resident memory of that process. Memory that grew with the
file would show here; a bounded pipeline's peak stays flat.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))


def homes(rows: int, seed: int = 0) -> pd.DataFrame:
    """`rows` rows like `tests/own_files.py`'s homes table (written in chunks of this)."""
    from own_files import homes_table

    base = homes_table()
    picked = np.random.default_rng(seed).integers(0, len(base), rows)
    return base.iloc[picked].reset_index(drop=True)


def write_rows(path: Path, rows: int, chunk: int = 100_000) -> Path:
    for start in range(0, rows, chunk):
        homes(min(chunk, rows - start), seed=start).to_csv(
            path, mode="a", header=start == 0, index=False
        )
    return path


def train_model(folder: Path) -> tuple[str, str]:
    """A table model trained by the real pipeline; returns `(run id, tracking uri)`."""
    uri = f"sqlite:///{folder}/mlflow.db"
    table = write_rows(folder / "train.csv", 300)
    command = [
        sys.executable,
        str(REPO_ROOT / "pipelines" / "train.py"),
        "data=table",
        f"data.path={table}",
        "data.target=band",
        "data.drop=[price]",
        "trainer.epochs=2",
        f"tracking.uri={uri}",
        f"tracking.artifact_root={folder}/mlruns",
    ]
    subprocess.run(command, check=True, capture_output=True, cwd=folder)
    import mlflow

    client = mlflow.MlflowClient(uri)
    experiment = client.get_experiment_by_name("kerasmap").experiment_id
    (run,) = client.search_runs([experiment], max_results=1)
    return run.info.run_id, uri


def predict_peak(run_id: str, uri: str, table: Path, folder: Path) -> tuple[float, float]:
    """`(seconds, peak MiB)` of one `pipelines/predict.py` process on `table`."""
    command = [
        sys.executable,
        "-c",
        "import resource, runpy, sys; sys.argv = sys.argv[1:]; "
        "code = 0\ntry: runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as stop: code = stop.code\n"
        "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)",
        str(REPO_ROOT / "pipelines" / "predict.py"),
        run_id,
        f"input={table}",
        f"output={folder / 'out.csv'}",
        "batch_size=4096",
        f"tracking.uri={uri}",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=folder)
    seconds = time.perf_counter() - start
    peak_kib = int(done.stderr.rsplit("peak", 1)[1].split()[0])
    return seconds, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        run_id, uri = train_model(folder)
        print("| Rows | CSV size (MB) | Seconds | Rows/s | Peak memory (MiB) |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for rows in arguments.rows:
            table = write_rows(folder / f"rows_{rows}.csv", rows)
            seconds, peak = predict_peak(run_id, uri, table, folder)
            size = table.stat().st_size / 1e6
            print(f"| {rows:,} | {size:.1f} | {seconds:.1f} | {rows / seconds:,.0f} | {peak:.0f} |")
            table.unlink()


if __name__ == "__main__":
    main()
