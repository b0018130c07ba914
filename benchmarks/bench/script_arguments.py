"""The command line both bare scripts take and the result line they print for the harness."""

import argparse
import json

RESULT_PREFIX = "BENCH_RESULT "  # the harness reads the one stdout line that starts with this
FAMILIES = ("mlp", "cnn", "lstm", "attention")


def parse_script_arguments(description: str) -> argparse.Namespace:
    """Parses `--family`, `--epochs`, `--batch-size`, `--learning-rate`, `--data`, `--limit`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--family", choices=FAMILIES, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--data", required=True, help="folder of the four Fashion-MNIST files")
    parser.add_argument("--limit", type=int, default=None, help="first N training examples")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def print_result(epochs: list[dict], test_accuracy: float, num_train: int) -> None:
    """Prints the per-epoch records and the test accuracy as one JSON line.

    Args:
        epochs: Per epoch: `start` (wall-clock seconds since the epoch, `time.time()`),
            `seconds` (whole epoch, validation included), `samples_per_second` (training
            part only) and `val_accuracy`.
        test_accuracy: Accuracy on the test split after the last epoch.
        num_train: Training examples per epoch.
    """
    result = {"epochs": epochs, "test_accuracy": test_accuracy, "num_train": num_train}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
