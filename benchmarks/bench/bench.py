"""kerasmap beside a bare Keras 3 script and a plain PyTorch script, on Fashion-MNIST.

python benchmarks/bench/bench.py [bench=quick|full] [families=mlp,cnn] [epochs=3] [repeats=3]
                                 [limit=N] [sweep=yes|no] [folders=yes|no] [data_dir=<folder>]
                                 [output=<folder>]

Trains each model family the three ways with the same data, split, batch size (64) and Adam
learning rate (1e-3), each in its own process, interleaved and repeated; then prints a Markdown
table of medians (min-max) and kerasmap's ratio to each, and writes it with the per-run figures,
a throughput plot and every run's log to `outputs/bench/<time>/`. kerasmap runs through
`pipelines/train.py`, tracked into a temporary MLflow store. PyTorch comes from the optional
`bench` extra; without it that column says "not installed". With `sweep=yes` (the default of
the full preset) a 3x3 MLP grid also runs once through `-m`, its wall time set against the sum of
its jobs' own times. With `folders=yes` (also the full preset's) the images are written once as
PNG files, one folder per class, and each family also trains on them with `data=image_folder`,
interleaved with the rest; a second table sets that against the built-in dataset's runs.
"""

import importlib.util
import logging
import os
import platform
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from mlflow import MlflowClient

from image_folders import FOLDER_FRAMEWORK, folder_run, folder_section, write_png_folders
from launch import bare_script, kerasmap_run
from script_arguments import FAMILIES
from summary import figures_frame, plot_throughput, summary_table
from sweep import GRID, sweep_run, sweep_table

PRESETS = {
    "full": {
        "families": list(FAMILIES),
        "epochs": 3,
        "repeats": 3,
        "limit": None,
        "sweep": True,
        "folders": True,
    },
    "quick": {
        "families": ["mlp", "cnn"],
        "epochs": 2,
        "repeats": 2,
        "limit": 6000,
        "sweep": False,
        "folders": False,
    },
}
TARGETS = {"mlp": 0.88, "cnn": 0.91, "lstm": 0.88, "attention": 0.88}  # validation accuracy
KERAS_CACHE = Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets"


def parse_options(arguments: list[str]) -> dict:
    """Reads `key=value` arguments over the chosen preset; exits with one sentence if wrong."""
    given = dict(argument.split("=", 1) for argument in arguments if "=" in argument)
    unknown = [argument for argument in arguments if "=" not in argument]
    preset = given.pop("bench", "full")
    if preset not in PRESETS or unknown:
        sys.exit(f"Expected key=value arguments and bench=quick|full; received: {arguments}")
    options = {
        **PRESETS[preset],
        "batch_size": 64,
        "learning_rate": 1e-3,
        "data": str(KERAS_CACHE / "fashion-mnist"),
        "output": f"outputs/bench/{time.strftime('%Y-%m-%d_%H-%M-%S')}",
        "preset": preset,
    }
    converters = {"families": lambda text: text.split(","), "epochs": int, "repeats": int}
    converters |= {"limit": int, "data_dir": str, "output": str}
    converters |= {"sweep": yes_or_no("sweep"), "folders": yes_or_no("folders")}
    for key, text in given.items():
        if key not in converters:
            sys.exit(f"Unknown option {key}={text}; expected one of {', '.join(converters)}.")
        options["data" if key == "data_dir" else key] = converters[key](text)
    check_options(options)
    return options


def yes_or_no(key: str):
    """The converter of option `key`'s `yes` or `no`; it exits with one sentence on others."""

    def convert(text: str) -> bool:
        if text not in ("yes", "no"):
            sys.exit(f"{key}: expected yes or no; received: {text}")
        return text == "yes"

    return convert


def check_options(options: dict) -> None:
    bad_families = set(options["families"]) - set(FAMILIES)
    if bad_families:
        sys.exit(f"families: expected some of {', '.join(FAMILIES)}; received: {bad_families}")
    if options["epochs"] < 2 or options["repeats"] < 1:
        sys.exit(f"Expected epochs >= 2 (epoch 1 is warm-up) and repeats >= 1; got {options}")
    if not Path(options["data"], "train-images-idx3-ubyte.gz").is_file():
        sys.exit(
            f"No Fashion-MNIST files in {options['data']}; set data_dir=<folder with the four "
            "IDX .gz files>, or download them once: python -c 'import keras; "
            "keras.datasets.fashion_mnist.load_data()'"
        )


def run_all(options: dict, frameworks: list[str], logs: Path, store: Path) -> list[dict]:
    """Every run, interleaved: per repeat, per family, the frameworks in a rotating order."""
    records, total = [], options["repeats"] * len(options["families"]) * len(frameworks)
    for repeat in range(options["repeats"]):
        for family in options["families"]:
            shift = repeat % len(frameworks)
            for framework in frameworks[shift:] + frameworks[:shift]:
                log = logs / f"{family}-{framework}-{repeat}.log"
                if framework == "kerasmap":
                    name = f"bench-{family}-{repeat}"
                    record = kerasmap_run(family, options, store, name, log)
                elif framework == FOLDER_FRAMEWORK:
                    name = f"bench-{family}-folder-{repeat}"
                    record = folder_run(family, options, store, name, log)
                else:
                    record = bare_script(framework, family, options, log)
                record |= {"framework": framework, "family": family, "repeat": repeat}
                records.append(record)
                outcome = record.get("error") or f"{record['wall_s']:.1f} s"
                print(f"[{len(records)}/{total}] {family} {framework} #{repeat}: {outcome}")
    return records


def describe_machine(options: dict) -> str:
    """Where and with what the table was measured, for the table's heading."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    versions = []
    for package in ("tensorflow", "keras", "mlflow", "torch"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    limit = options["limit"] or "all"
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()}; Python {platform.python_version()}, "
        f"{', '.join(versions)}.\nFashion-MNIST, training examples limit: {limit} (90% train, "
        f"10% validation), batch {options['batch_size']}, Adam {options['learning_rate']}, "
        f"{options['epochs']} epochs, {options['repeats']} repeats, interleaved."
    )


def report(options: dict, arguments: list[str], records: list[dict], sweep, absent) -> str:
    """The Markdown written to `table.md` and printed: command, machine, tables."""
    frame = figures_frame(records, TARGETS)
    table = summary_table(frame, options["families"], TARGETS, absent)
    failures = [f"{r['family']} {r['framework']} #{r['repeat']}" for r in records if "error" in r]
    text = (
        f"Command: `python benchmarks/bench/bench.py {' '.join(arguments)}`\n\n"
        f"{describe_machine(options)}\n\n"
        "Cells: median (min-max) over the repeats; ratios: kerasmap's median over the other's."
        + (f"\nFailed runs (see logs/): {', '.join(failures)}" if failures else "")
        + f"\n\n{table.to_markdown(index=False)}\n"
    )
    if sweep:
        grid = f"-m model=mlp {' '.join(GRID)}"
        text += f"\nSweep: `{grid}`, {options['epochs']} epochs per job, run once.\n\n"
        text += f"{sweep_table(sweep).to_markdown(index=False)}\n"
    if options["folders"]:
        text += folder_section(records, options, TARGETS)
    return text


def main(arguments: list[str]) -> None:
    options = parse_options(arguments)
    output = Path(options["output"])
    (output / "logs").mkdir(parents=True, exist_ok=True)
    installed = importlib.util.find_spec("torch") is not None
    frameworks = ["kerasmap", "keras"] + (["torch"] if installed else [])
    frameworks += [FOLDER_FRAMEWORK] if options["folders"] else []
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="kerasmap-bench-") as folder:
        store = Path(folder)
        # An existing store, as a user's second run finds it: creating one is not start-up.
        MlflowClient(f"sqlite:///{store}/mlflow.db").search_experiments()
        if options["folders"]:
            write_png_folders(options["data"], store, options["limit"])
        records = run_all(options, frameworks, output / "logs", store)
        sweep = (
            sweep_run(options, store, output / "logs" / "sweep.log") if options["sweep"] else None
        )
    absent = {} if installed else {"torch": "not installed"}
    text = report(options, arguments, records, sweep, absent)
    (output / "table.md").write_text(text)
    frame = figures_frame(records, TARGETS)
    frame.to_csv(output / "runs.csv", index=False)
    plot_throughput(frame, options["families"], output / "throughput.png")
    print(f"\n{text}\nWritten to {output.resolve()}/ (table.md, runs.csv, throughput.png, logs/)")


if __name__ == "__main__":
    main(sys.argv[1:])
