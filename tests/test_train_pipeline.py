"""The real training pipeline, end to end, on small data into a temporary MLflow store."""

import mlflow
import numpy as np
import pytest

from kerasmap.errors import TrainingDivergedError
from kerasmap.tracking.lifecycle import FAILURE_TAG

from pipeline_helpers import (
    artifact_paths,
    compose_config,
    load_pipeline,
    run_cli,
    runs_in,
    store_overrides,
    write_cifar,
    write_image_npz,
    write_imdb,
)

train_pipeline = load_pipeline("train")
EXPECTED_ARTIFACTS = {
    "config/config.yaml",
    "config/overrides.txt",
    "model_summary.txt",
    "plots/learning_curves.png",
    "plots/confusion_matrix.png",
    "reports/per_class.csv",
    "model/MLmodel",
    "model/data/model.keras",
    "model/input_example.json",
}


def train(tmp_path, *overrides: str) -> float:
    """Composes the real config with `overrides` and runs `train(cfg)` in this process."""
    overrides = [*overrides, *store_overrides(tmp_path)[:3]]
    return train_pipeline.train(compose_config(overrides), overrides=overrides)


def only_run(tmp_path, experiment="kerasmap"):
    runs = runs_in(tmp_path, experiment)
    assert len(runs) == 1
    return runs.iloc[0]


def test_cli_trains_and_records_a_complete_finished_run(tmp_path):
    result = run_cli(
        "train",
        [
            "data=moons",
            "data.num_samples=300",
            "trainer.epochs=3",
            "model.hidden_units=[8]",
            *store_overrides(tmp_path),
        ],
    )
    assert result.returncode == 0, result.stderr
    run = only_run(tmp_path)
    assert run["status"] == "FINISHED"
    assert run["params.model.name"] == "mlp"
    assert run["params.model.hidden_units"] == "[8]"
    assert run["params.trainer.epochs"] == "3"
    assert run["params.optimizer.learning_rate"] == "0.001"
    assert 0.5 < run["metrics.test_accuracy"] <= 1.0
    assert run["metrics.epochs_run"] == 3
    for tag in ("git_commit", "git_dirty", "dataset_fingerprint", "keras_backend", "device"):
        assert run[f"tags.{tag}"]
    assert run["tags.precision_policy"] == "float32"
    history = mlflow.MlflowClient().get_metric_history(run.run_id, "val_loss")
    assert [point.step for point in history] == [0, 1, 2]
    for per_epoch in ("learning_rate", "epoch_seconds", "samples_per_second", "accuracy"):
        assert len(mlflow.MlflowClient().get_metric_history(run.run_id, per_epoch)) == 3
    assert EXPECTED_ARTIFACTS <= artifact_paths(run.run_id)
    overrides = mlflow.artifacts.load_text(f"runs:/{run.run_id}/config/overrides.txt")
    assert "data=moons" in overrides.splitlines()


def test_logged_model_loads_with_pyfunc_and_predicts(tmp_path):
    train(tmp_path, "data=moons", "data.num_samples=200", "trainer.epochs=2")
    run = only_run(tmp_path)
    model = mlflow.pyfunc.load_model(f"runs:/{run.run_id}/model")
    points = np.array([[0.0, 0.5], [1.0, -0.5], [2.0, 0.0]], dtype="float32")
    probabilities = np.asarray(model.predict(points))
    assert probabilities.shape == (3, 1)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


@pytest.mark.parametrize("experiment", ["mnist_mlp", "mnist_cnn", "mnist_rnn"])
def test_classic_mnist_experiments_run_on_a_local_mnist_npz(tmp_path, experiment):
    path = write_image_npz(tmp_path / "mnist.npz")
    best = train(tmp_path, f"experiment={experiment}", f"data.path={path}", "trainer.epochs=1")
    run = only_run(tmp_path, experiment)
    assert run["status"] == "FINISHED"
    assert run["params.data.name"] == "mnist"
    assert best == pytest.approx(run["metrics.best_val_loss"])
    report = mlflow.artifacts.load_text(f"runs:/{run.run_id}/reports/per_class.csv")
    assert report.splitlines()[0] == "class,precision,recall,f1,support"
    assert len(report.splitlines()) == 1 + 10 + 1


def test_attention_family_trains_on_image_rows(tmp_path):
    path = write_image_npz(tmp_path / "mnist.npz")
    train(
        tmp_path,
        "data=mnist",
        f"data.path={path}",
        "model=attention",
        "model.embed_dim=16",
        "model.ff_dim=16",
        "model.num_layers=1",
        "trainer.epochs=1",
    )
    assert only_run(tmp_path)["status"] == "FINISHED"


def test_cifar10_experiment_runs_on_a_local_tarball(tmp_path):
    path = write_cifar(tmp_path / "cifar-10-python.tar.gz")
    train(
        tmp_path,
        "experiment=cifar10_cnn",
        f"data.path={path}",
        "trainer.epochs=1",
        "data.augment=true",
    )
    run = only_run(tmp_path, "cifar10_cnn")
    assert run["status"] == "FINISHED"
    assert run["params.optimizer.name"] == "sgd"


def test_lstm_reads_imdb_token_sequences(tmp_path):
    path = write_imdb(tmp_path / "imdb.npz")
    train(
        tmp_path,
        "data=imdb",
        f"data.path={path}",
        "data.maxlen=30",
        "data.num_words=500",
        "model=lstm",
        "model.units=[8]",
        "trainer.epochs=1",
    )
    run = only_run(tmp_path)
    assert run["status"] == "FINISHED"
    assert run["tags.task"] == "binary"
    assert "metrics.test_auc" in run


def test_moons_binary_experiment_learns_the_two_moons(tmp_path):
    train(tmp_path, "experiment=moons_binary", "trainer.epochs=40")
    run = only_run(tmp_path, "moons_binary")
    assert run["metrics.test_accuracy"] > 0.8


def test_mixed_bfloat16_fits_on_the_cpu_with_a_float32_output(tmp_path):
    train(
        tmp_path,
        "data=moons",
        "data.num_samples=200",
        "trainer.epochs=1",
        "trainer.precision=mixed_bfloat16",
    )
    run = only_run(tmp_path)
    assert run["tags.precision_policy"] == "mixed_bfloat16"
    model = mlflow.keras.load_model(f"runs:/{run.run_id}/model")
    assert model.layers[-2].dtype_policy.name == "mixed_bfloat16"
    assert model.layers[-1].compute_dtype == "float32"
    assert model.predict(np.zeros((2, 2), "float32"), verbose=0).dtype == np.float32


@pytest.mark.parametrize("schedule", ["exponential", "cosine", "plateau"])
def test_learning_rate_schedules_are_logged_per_epoch(tmp_path, schedule):
    train(
        tmp_path,
        "data=moons",
        "data.num_samples=200",
        "trainer.epochs=3",
        f"trainer.lr_schedule.name={schedule}",
        "trainer.lr_schedule.patience=1",
        "trainer.patience=3",
    )
    run = only_run(tmp_path)
    rates = [m.value for m in mlflow.MlflowClient().get_metric_history(run.run_id, "learning_rate")]
    assert len(rates) == 3
    if schedule != "plateau":
        assert rates[-1] < rates[0]


def test_a_diverging_run_is_failed_with_the_reason(tmp_path):
    with pytest.raises(TrainingDivergedError, match="Training diverged"):
        train(
            tmp_path,
            "data=moons",
            "data.num_samples=200",
            "trainer.epochs=3",
            "optimizer=sgd",
            "optimizer.learning_rate=1e30",
        )
    run = only_run(tmp_path)
    assert run["status"] == "FAILED"
    assert "diverged" in run[f"tags.{FAILURE_TAG}"]
    assert "diverged/best_weights.weights.h5" not in artifact_paths(run.run_id)  # all NaN


def test_real_fashion_mnist_through_the_keras_cache(tmp_path, shared_datasets):
    keras_home = tmp_path / "keras_home"
    keras_home.mkdir()
    (keras_home / "datasets").symlink_to(shared_datasets, target_is_directory=True)
    result = run_cli(
        "train",
        ["data.limit=3000", "trainer.epochs=1", *store_overrides(tmp_path)],
        env={"KERAS_HOME": str(keras_home)},
    )
    assert result.returncode == 0, result.stderr
    run = only_run(tmp_path)
    assert run["params.data.name"] == "fashion_mnist"
    assert run["metrics.test_accuracy"] > 0.6
    report = mlflow.artifacts.load_text(f"runs:/{run.run_id}/reports/per_class.csv")
    assert "Ankle boot" in report
