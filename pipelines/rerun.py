"""Train again from a recorded run's config and report whether the metrics match.

    python pipelines/rerun.py <run id>                             # make rerun RUN=<run id>
    python pipelines/rerun.py <run id> data.path=/data/mnist.npz   # the data is elsewhere now

The run's recorded overrides choose the same config groups, its recorded resolved values
replace today's defaults, and the overrides given here apply last. The new run is tagged
`kerasmap.rerun_of=<run id>` and `kerasmap.rerun_match=true|false`, with the comparison in
`rerun/comparison.csv`. Metrics that differ are reported, not an error: the exit status
is 0 either way, and 2 for a mistake such as an unknown run id.
"""

import importlib.util
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from kerasmap.config.preflight import explain
from kerasmap.errors import KerasmapError

PIPELINES = Path(__file__).resolve().parent
CONFIG_DIR = str(PIPELINES.parent / "conf")
FRESH_START = "trainer.resume=false"  # a rerun never continues a backup, not even its source's


def rerun(run_id: str, overrides: list[str]):
    """Trains `run_id`'s config again as a new run and compares its metrics with the source.

    Returns:
        The comparison table (one row per metric) and the one-line verdict.
    """
    import mlflow

    from kerasmap.tracking import rerun_comparison as comparison

    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        mlflow.set_tracking_uri(compose("config", overrides=overrides).tracking.uri)
    source = comparison.load_recorded_run(run_id)
    cfg, replayed = comparison.rebuild_config(CONFIG_DIR, source, [*overrides, FRESH_START])
    _train_pipeline().train(cfg, overrides=replayed)
    new_run = mlflow.last_active_run()
    table = comparison.compare_metrics(
        source.metrics, comparison.metric_histories(new_run.info.run_id)
    )
    comparison.record_comparison(new_run.info.run_id, run_id, table)
    causes = comparison.possible_causes(
        source, OmegaConf.to_container(cfg, resolve=True), new_run.data.tags
    )
    return table, comparison.verdict(table, causes)


def _train_pipeline():
    """`pipelines/train.py` as a module, so a rerun trains exactly as every run does."""
    spec = importlib.util.spec_from_file_location("kerasmap_train", PIPELINES / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    """Command-line entry point: prints the comparison table and the verdict."""
    if not argv or "=" in argv[0]:
        print("Usage: python pipelines/rerun.py <run id> [key=value ...]", file=sys.stderr)
        return 2
    try:
        table, verdict = rerun(argv[0], argv[1:])
    except KerasmapError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except (HydraException, OmegaConfBaseException) as error:
        print(f"Error: {explain(error, argv[1:])}", file=sys.stderr)
        return 2
    print(table.to_string(index=False, float_format="{:.6g}".format, na_rep="-"))
    print(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
