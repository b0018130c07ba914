"""Shared fixtures: quiet TensorFlow, offline Keras cache, and the real Fashion-MNIST files."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
# Tests never touch the network: MLflow's usage telemetry stays off here and in subprocesses.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_datasets_dir() -> Path:
    configured = os.environ.get("KERASMAP_SHARED_DATASETS")
    if configured:
        return Path(configured)
    return REPO_ROOT.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The folder of real dataset files laid out like Keras's cache `datasets/` folder."""
    folder = _shared_datasets_dir()
    if not (folder / "fashion-mnist" / "train-images-idx3-ubyte.gz").exists():
        pytest.fail(f"The real Fashion-MNIST files are missing from {folder}.")
    return folder


@pytest.fixture(scope="session")
def fashion_mnist_dir(shared_datasets) -> Path:
    """The folder holding the four real Fashion-MNIST IDX `.gz` files."""
    return shared_datasets / "fashion-mnist"
