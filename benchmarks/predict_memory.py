"""Peak memory of `make predict` on ever larger inputs: it must stay bounded by the batch.

    python benchmarks/predict_memory.py                  # tables of 10k, 100k, 1M rows
    python benchmarks/predict_memory.py --rows 10000 15000000 --images 1000 100000

Trains a small table model (and, with --images, an image-folder CNN) once into a temporary
store, writes inputs of the given sizes (tables of the homes kind, folders of 32x32 PNGs),
predicts each in a new process (batches of 4,096 rows or 256 images) and prints, per input,
its size, the wall time and the peak resident memory of that process. Memory that grew
with the input would show here; a bounded pipeline's peak stays flat.
"""

import argparse
import shutil
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


def write_images(folder: Path, count: int) -> Path:
    """`count` 32x32 PNGs in `dark/` and `light/` (a copy of a few, for speed)."""
    from own_files import write_image_folder

    seeds = write_image_folder(folder / "seeds", per_class=4)
    files = sorted(seeds.rglob("*.png"))
    for index in range(count):
        source = files[index % len(files)]
        (folder / source.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / source.parent.name / f"{index}.png")
    shutil.rmtree(seeds)
    return folder


def train_model(folder: Path, *overrides: str) -> tuple[str, str]:
    """A model trained by the real pipeline; returns `(run id, tracking uri)`."""
    uri = f"sqlite:///{folder}/mlflow.db"
    command = [
        sys.executable,
        str(REPO_ROOT / "pipelines" / "train.py"),
        *overrides,
        "trainer.epochs=2",
        f"tracking.uri={uri}",
        f"tracking.artifact_root={folder}/mlruns",
    ]
    subprocess.run(command, check=True, capture_output=True, cwd=folder)
    import mlflow

    client = mlflow.MlflowClient(uri)
    experiment = client.get_experiment_by_name("kerasmap").experiment_id
    (run,) = client.search_runs([experiment], max_results=1, order_by=["start_time DESC"])
    return run.info.run_id, uri


def predict_peak(
    run_id: str, uri: str, table: Path, folder: Path, batch_size: int
) -> tuple[float, float]:
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
        f"batch_size={batch_size}",
        f"tracking.uri={uri}",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=folder)
    seconds = time.perf_counter() - start
    peak_kib = int(done.stderr.rsplit("peak", 1)[1].split()[0])
    return seconds, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--images", type=int, nargs="*", default=[])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print("| Input | Size (MB) | Seconds | Examples/s | Peak memory (MiB) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        if arguments.rows:
            table = write_rows(folder / "train.csv", 300)
            model = train_model(folder, "data=table", f"data.path={table}", "data.target=band")
            for rows in arguments.rows:
                table = write_rows(folder / f"rows_{rows}.csv", rows)
                print(_row(f"{rows:,} table rows", rows, table.stat().st_size, model, table, 4096))
                table.unlink()
        if arguments.images:
            images = write_images(folder / "train_images", 48)
            model = train_model(
                folder,
                "data=image_folder",
                f"data.path={images}",
                "data.image_size=[32,32]",
                "model=cnn",
                "model.filters=[8]",
                "model.dense_units=16",
            )
            for count in arguments.images:
                images = write_images(folder / f"images_{count}", count)
                size = sum(file.stat().st_size for file in images.rglob("*.png"))
                print(_row(f"{count:,} PNG images", count, size, model, images, 256))
                shutil.rmtree(images)


def _row(label, count: int, size: int, model: tuple[str, str], path: Path, batch: int) -> str:
    seconds, peak = predict_peak(*model, path, path.parent, batch)
    return f"| {label} | {size / 1e6:.1f} | {seconds:.1f} | {count / seconds:,.0f} | {peak:.0f} |"


if __name__ == "__main__":
    main()
