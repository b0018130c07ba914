"""`make` targets pass every key=value to Hydra as an override."""

import subprocess

from pipeline_helpers import REPO_ROOT


def make_command(*arguments: str) -> str:
    """The pipeline command `make -n` would run."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return next(line for line in result.stdout.splitlines() if "pipelines/" in line)


def test_train_passes_every_key_value_including_dotted_keys():
    command = make_command(
        "train", "model=cnn", "data=cifar10", "trainer.epochs=3", "model.dropout=0.3"
    )
    assert "pipelines/train.py" in command
    for override in ("'model=cnn'", "'data=cifar10'", "'trainer.epochs=3'", "'model.dropout=0.3'"):
        assert override in command


def test_sweep_runs_the_default_grid():
    command = make_command("sweep")
    assert "pipelines/train.py -m" in command
    assert "'model.dropout=0.0,0.25,0.5'" in command
    assert "'optimizer.weight_decay=0,1e-4,1e-3'" in command


def test_sweep_overrides_replace_the_grid_entry_for_their_key_and_add_the_rest():
    command = make_command("sweep", "model.dropout=0.1,0.2", "trainer.epochs=2")
    assert "'model.dropout=0.1,0.2'" in command
    assert "0.0,0.25,0.5" not in command
    assert "'optimizer.weight_decay=0,1e-4,1e-3'" in command
    assert "'trainer.epochs=2'" in command


def test_make_variables_are_not_passed_to_hydra():
    command = make_command("evaluate", "RUN=abc123", "data.path=/data")
    assert "pipelines/evaluate.py abc123 'data.path=/data'" in command


def test_ui_serves_the_local_store_on_the_port_given_with_overrides():
    command = make_command("ui", "UI_PORT=5050", "tracking.experiment=moons_binary")
    assert "pipelines/ui.py --port 5050 'tracking.experiment=moons_binary'" in command


def test_verbose_is_for_make_and_reaches_the_run_as_an_environment_variable():
    assert "VERBOSE" not in make_command("train", "VERBOSE=1")
    printed = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "-", "show", "VERBOSE=1"],
        input=f"include {REPO_ROOT}/Makefile\nshow:\n\t@echo $$KERASMAP_VERBOSE\n",
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout.strip() == "1"


def test_after_training_targets_take_their_make_variables_as_options():
    assert "pipelines/predict.py abc 'input=new.csv' 'output=out.csv' 'data.path=/d'" in (
        make_command("predict", "RUN=abc", "INPUT=new.csv", "OUTPUT=out.csv", "data.path=/d")
    )
    assert "pipelines/serve.py models:/homes@champion --port 5001" in make_command(
        "serve", "RUN=models:/homes@champion"
    )
    assert "pipelines/export.py abc 'format=onnx'" in make_command(
        "export", "RUN=abc", "FORMAT=onnx"
    )
    assert "pipelines/promote.py abc 'name=homes'" in make_command(
        "promote", "RUN=abc", "NAME=homes"
    )
