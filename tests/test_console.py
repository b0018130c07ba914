"""What a user reads: the run's own lines, `--help`, and TensorFlow's lines only on request."""

import os
import re
import subprocess
import sys

import pytest

from pipeline_helpers import run_cli

# TensorFlow's C++ log lines (`I0000 00:00:...`, `E0000 ...`) and what it prints at start-up.
TENSORFLOW_LINE = re.compile(
    r"^[IWEF]\d{4} |absl::InitializeLog|cuInit|cpu_feature_guard|oneDNN|rebuild TensorFlow",
    re.MULTILINE,
)


def test_a_run_prints_no_tensorflow_lines_and_ends_with_its_id_metrics_and_link(cli_run):
    output = cli_run.result.stdout + cli_run.result.stderr
    assert not TENSORFLOW_LINE.search(output), output
    assert "Epoch 3/3" in cli_run.result.stdout
    summary = cli_run.result.stdout.strip().splitlines()[-7:]
    assert summary[0] == f"Run {cli_run.run_id} finished."
    assert [line.split()[0] for line in summary[1:5]] == [
        "test_accuracy",
        "test_auc",
        "test_loss",
        "test_macro_f1",
    ]
    assert re.fullmatch(
        rf"  View it: +http://127\.0\.0\.1:5000/#/experiments/\d+/runs/{cli_run.run_id}"
        r"\?workflowType=machine_learning",
        summary[5],
    )
    assert summary[6].split() == ["Evaluate", "it:", "make", "evaluate", f"RUN={cli_run.run_id}"]


def without_log_level() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}


@pytest.mark.slow
def test_tensorflow_lines_come_back_with_the_verbosity_switch():
    code = "from kerasmap.console import quiet_tensorflow; quiet_tensorflow(); import tensorflow"
    loud = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**without_log_level(), "KERASMAP_VERBOSE": "1"},
    )
    assert loud.returncode == 0, loud.stderr
    assert TENSORFLOW_LINE.search(loud.stderr), loud.stderr


def test_help_describes_kerasmap_and_lists_options_without_internal_groups():
    result = run_cli("train", ["--help"])
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("kerasmap: train a Keras model, tracked in MLflow")
    assert "python pipelines/train.py -m model.dropout=0.1,0.3" in text
    assert "  model:          attention, cnn, linear, lstm, mlp, pretrained, tabular" in text
    assert "schema" not in text
    assert "Powered by Hydra" not in text
