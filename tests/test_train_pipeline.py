"""The real training pipeline, end to end, on small data into temporary MLflow stores."""

import keras
import mlflow
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
import yaml

from kerasmap import stages
from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.errors import TrainingDivergedError
from kerasmap.recording.lifecycle import FAILURE_TAG
from kerasmap.recording.logged_model import load_logged_model
from kerasmap.run import DIVERGED_WEIGHTS_ARTIFACT
from kerasmap.training.execution import resolve_steps_per_execution

from pipeline_helpers import (
    TINY_MOONS,
    artifact_paths,
    runs_in,
    store_overrides,
    train_in_process,
    write_cifar,
    write_imdb,
)

RUN_ARTIFACTS = {
    "config/config.yaml",
    "config/overrides.txt",
    "model_summary.txt",
    "plots/learning_curves.png",
    "plots/confusion_matrix.png",
    "reports/per_class.csv",
}
NO_MODEL = "tracking.log_model=false"  # for runs whose model no test looks at


def history(run, name: str) -> list[float]:
    points = mlflow.MlflowClient().get_metric_history(run.info.run_id, name)
    return [point.value for point in sorted(points, key=lambda point: point.step)]


def test_a_command_line_run_records_params_metrics_tags_and_artifacts(cli_run):
    mlflow.set_tracking_uri(f"sqlite:///{cli_run.folder}/mlflow.db")
    run = mlflow.get_run(cli_run.run_id)
    assert run.info.status == "FINISHED"
    params = run.data.params
    assert (params["model.name"], params["model.hidden_units"]) == ("mlp", "[8]")
    assert (params["trainer.epochs"], params["optimizer.learning_rate"]) == ("3", "0.001")
    assert 0.5 < run.data.metrics["test_accuracy"] <= 1.0
    assert run.data.metrics["epochs_run"] == 3
    for tag in ("git_commit", "git_dirty", "dataset_fingerprint", "keras_backend", "device"):
        assert run.data.tags[tag]
    assert run.data.tags["precision_policy"] == "float32"
    assert run.data.tags["jit_compile"] == "False"  # auto: too few steps to pay for XLA
    assert run.data.tags["mlflow.runName"] == "mlp-moons"
    for per_epoch in ("val_loss", "accuracy", "learning_rate", "epoch_seconds"):
        points = mlflow.MlflowClient().get_metric_history(cli_run.run_id, per_epoch)
        assert sorted(point.step for point in points) == [0, 1, 2]
    assert RUN_ARTIFACTS <= artifact_paths(cli_run.run_id)
    overrides = mlflow.artifacts.load_text(f"runs:/{cli_run.run_id}/config/overrides.txt")
    assert "data=moons" in overrides.splitlines()


def test_settings_of_a_schedule_not_in_use_are_not_params(cli_run):
    mlflow.set_tracking_uri(f"sqlite:///{cli_run.folder}/mlflow.db")
    params = mlflow.get_run(cli_run.run_id).data.params
    assert params["trainer.lr_schedule.name"] == "constant"
    assert not [
        key
        for key in params
        if key.startswith("trainer.lr_schedule.") and key != "trainer.lr_schedule.name"
    ]
    config = yaml.safe_load(
        mlflow.artifacts.load_text(f"runs:/{cli_run.run_id}/config/config.yaml")
    )
    assert config["trainer"]["lr_schedule"]["decay_rate"] == 0.9  # the file keeps every value


def test_the_model_is_a_logged_model_of_the_run(cli_run):
    mlflow.set_tracking_uri(f"sqlite:///{cli_run.folder}/mlflow.db")
    experiment = mlflow.get_experiment_by_name("kerasmap")
    (logged,) = mlflow.search_logged_models(
        experiment_ids=[experiment.experiment_id],
        filter_string=f"source_run_id = '{cli_run.run_id}'",
        output_format="list",
    )
    assert logged.name == "model"
    by_id = mlflow.pyfunc.load_model(f"models:/{logged.model_id}")
    by_run = mlflow.pyfunc.load_model(f"runs:/{cli_run.run_id}/model")
    points = np.array([[0.0, 0.5], [1.0, -0.5], [2.0, 0.0]], dtype="float32")
    predicted = by_id.predict(points)
    assert list(predicted.columns) == [
        "label",
        "probability",
        "probability_upper",
        "probability_lower",
    ]
    assert predicted["probability"].between(0.5, 1).all()
    pd.testing.assert_frame_equal(predicted, by_run.predict(points))
    assert by_id.metadata.get_input_schema().inputs[0].shape == (-1, 2)


@pytest.mark.parametrize(
    "family, experiment", [("mlp", "mnist_mlp"), ("cnn", "mnist_cnn"), ("lstm", "mnist_rnn")]
)
def test_classic_mnist_experiments_run_on_a_local_mnist_npz(family_runs, family, experiment):
    mlflow.set_tracking_uri(f"sqlite:///{family_runs.folder}/mlflow.db")
    run = family_runs.runs[family]
    assert run.info.status == "FINISHED"
    assert mlflow.get_experiment(run.info.experiment_id).name == experiment
    assert (run.data.params["data.name"], run.data.params["model.name"]) == ("mnist", family)
    assert run.data.tags["jit_compile"] == "False"  # auto: one epoch is too short for XLA
    report = mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/reports/per_class.csv")
    assert report.splitlines()[0] == "class,precision,recall,f1,support"
    assert len(report.splitlines()) == 1 + 10 + 1


def test_cifar10_experiment_runs_on_a_local_tarball_with_augmentation(tmp_path):
    path = write_cifar(tmp_path / "cifar-10-python.tar.gz")
    run = train_in_process(
        tmp_path,
        "experiment=cifar10_cnn",
        f"data.path={path}",
        "trainer.epochs=1",
        "data.augment=true",
        NO_MODEL,
    )
    assert run.info.status == "FINISHED"
    assert run.data.params["optimizer.name"] == "sgd"
    assert run.data.params["model.dense_units"] == "512"


def test_lstm_reads_imdb_token_sequences(tmp_path):
    path = write_imdb(tmp_path / "imdb.npz")
    run = train_in_process(
        tmp_path,
        "data=imdb",
        f"data.path={path}",
        "data.maxlen=30",
        "data.num_words=500",
        "model=lstm",
        "model.units=[8]",
        "trainer.epochs=1",
        NO_MODEL,
    )
    assert run.data.tags["task"] == "binary"
    assert "test_auc" in run.data.metrics


def test_moons_binary_experiment_learns_the_two_moons(tmp_path):
    run = train_in_process(tmp_path, "experiment=moons_binary", "trainer.epochs=10", NO_MODEL)
    assert run.data.metrics["test_accuracy"] > 0.8


def test_several_steps_per_call_train_the_same_epochs_as_one(tmp_path):
    runs = [
        train_in_process(tmp_path, *TINY_MOONS, NO_MODEL, f"trainer.steps_per_execution={steps}")
        for steps in (1, 8)
    ]
    for name in ("loss", "val_loss", "accuracy"):
        one, eight = (history(run, name) for run in runs)
        np.testing.assert_allclose(eight, one, rtol=1e-5)
    assert runs[1].data.params["trainer.steps_per_execution"] == "8"


@pytest.mark.parametrize(
    "setting, steps_per_epoch, expected",
    [("auto", 180, 6), ("auto", 844, 4), ("auto", 5, 5), ("auto", 211, 1), ("32", 180, 30)],
)
def test_steps_per_call_divide_an_epoch_so_no_call_runs_into_the_next(
    setting, steps_per_epoch, expected
):
    assert resolve_steps_per_execution(setting, steps_per_epoch) == expected


def test_mixed_bfloat16_fits_on_the_cpu_and_exports_to_onnx_as_float32(tmp_path, capsys):
    from kerasmap.reports.export import main as export_main

    run = train_in_process(tmp_path, *TINY_MOONS, "trainer.precision=mixed_bfloat16")
    assert run.data.tags["precision_policy"] == "mixed_bfloat16"
    model = load_logged_model(f"runs:/{run.info.run_id}/model")
    mlp = model.layers[-1]  # after the scaling of the features, which stays float32
    assert mlp.layers[-2].dtype_policy.name == "mixed_bfloat16"
    assert mlp.layers[-1].compute_dtype == "float32"
    assert model.predict(np.zeros((2, 2), "float32"), verbose=0).dtype == np.float32
    capsys.readouterr()

    store = f"tracking.uri=sqlite:///{tmp_path}/mlflow.db"
    assert export_main([run.info.run_id, "format=onnx", store]) == 0

    printed = capsys.readouterr().out
    assert "to onnx, as float32." in printed
    assert "<= tolerance 1.0e-02 on 5 examples" in printed


@pytest.mark.parametrize(
    "schedule, settings, expected",
    [
        ("exponential", ["trainer.lr_schedule.decay_rate=0.5"], [1e-3, 5e-4, 2.5e-4]),
        ("cosine", [], [1e-3, 7.5e-4, 2.5e-4]),
        # One step of warm-up from 0, then the cosine over the two steps left.
        ("cosine", ["trainer.lr_schedule.warmup_epochs=1"], [0.0, 1e-3, 5e-4]),
        # A rate too small to move val_loss by ReduceLROnPlateau's min_delta: a plateau.
        (
            "plateau",
            [
                "optimizer.learning_rate=1e-5",
                "trainer.lr_schedule.patience=1",
                "trainer.lr_schedule.min_lr=0",
            ],
            [1e-5, 1e-5, 5e-6],
        ),
    ],
)
def test_learning_rate_schedules_change_the_rate_epoch_by_epoch(
    tmp_path, schedule, settings, expected
):
    run = train_in_process(
        tmp_path,
        *TINY_MOONS,
        "trainer.epochs=3",
        f"trainer.lr_schedule.name={schedule}",
        *settings,
        "data.val_fraction=0.5",
        "trainer.batch_size=100",
        NO_MODEL,
    )
    # One optimizer step per epoch (80 training points, batch 100).
    assert history(run, "learning_rate") == pytest.approx(expected, rel=1e-5)


def test_early_stopping_keeps_the_weights_of_the_best_epoch(tmp_path):
    # SGD with a large step makes val_loss jump about, so the best epoch is not the last.
    overrides = [
        "data=moons",
        "data.num_samples=300",
        "model.hidden_units=[16]",
        "optimizer=sgd",
        "optimizer.learning_rate=1.0",
        "trainer.epochs=8",
        "trainer.patience=10",
    ]
    run = train_in_process(tmp_path, *overrides)
    val_losses = history(run, "val_loss")
    assert np.argmin(val_losses) < len(val_losses) - 1
    model = load_logged_model(f"runs:/{run.info.run_id}/model")
    bundle = stages.prepare(load_settings(compose_config([*overrides, *store_overrides(tmp_path)])))
    loss = model.evaluate(bundle.val, verbose=0, return_dict=True)["loss"]
    assert loss == pytest.approx(min(val_losses), rel=1e-5)
    assert run.data.metrics["best_val_loss"] == pytest.approx(min(val_losses))


def test_a_run_that_diverges_fails_and_keeps_its_best_finite_weights(tmp_path):
    # Plain SGD at rate 50 blows the weights up over a few epochs: the first ones are finite.
    overrides = ["data=moons", "data.num_samples=300", "optimizer=sgd", "optimizer.momentum=0"]
    overrides += ["optimizer.learning_rate=50", "trainer.epochs=8", "trainer.patience=10"]
    with pytest.raises(TrainingDivergedError, match="Training diverged"):
        train_in_process(tmp_path, *overrides, NO_MODEL)
    (run_id,) = runs_in(tmp_path)["run_id"]
    run = mlflow.get_run(run_id)
    assert run.info.status == "FAILED"
    assert "diverged" in run.data.tags[FAILURE_TAG]
    assert DIVERGED_WEIGHTS_ARTIFACT in artifact_paths(run_id)
    weights = mlflow.artifacts.download_artifacts(f"runs:/{run_id}/{DIVERGED_WEIGHTS_ARTIFACT}")
    settings = load_settings(compose_config(overrides))
    bundle = stages.prepare(settings)
    model = stages.build(settings, bundle, "float32", tf.distribute.get_strategy())
    model.load_weights(weights)
    assert all(np.isfinite(array).all() for array in model.get_weights())


@pytest.mark.parametrize(
    "overrides, optimizer_class, attributes",
    [
        (["optimizer=adamw"], keras.optimizers.AdamW, {"weight_decay": 0.004}),
        (["optimizer=rmsprop", "optimizer.rho=0.8"], keras.optimizers.RMSprop, {"rho": 0.8}),
        (
            ["optimizer=adagrad", "optimizer.initial_accumulator_value=0.2"],
            keras.optimizers.Adagrad,
            {"initial_accumulator_value": 0.2},
        ),
        (
            ["optimizer=sgd", "optimizer.nesterov=true", "optimizer.momentum=0.5"],
            keras.optimizers.SGD,
            {"nesterov": True, "momentum": 0.5},
        ),
        (["optimizer.clipnorm=1.5"], keras.optimizers.Adam, {"clipnorm": 1.5}),
        (["optimizer=sgd", "optimizer.clipvalue=0.5"], keras.optimizers.SGD, {"clipvalue": 0.5}),
    ],
)
def test_optimizer_settings_reach_the_keras_optimizer(overrides, optimizer_class, attributes):
    settings = load_settings(compose_config(overrides))
    optimizer = stages.optimizer_for(settings, steps_per_epoch=10)
    assert type(optimizer) is optimizer_class
    for name, value in attributes.items():
        assert getattr(optimizer, name) == pytest.approx(value)


def test_real_fashion_mnist_trains_and_names_its_classes(tmp_path, fashion_mnist_dir):
    # The Keras-cache path to the same files is tested in tests/data/test_fashion_mnist.py.
    run = train_in_process(
        tmp_path, f"data.path={fashion_mnist_dir}", "data.limit=3000", "trainer.epochs=1"
    )
    assert run.data.params["data.name"] == "fashion_mnist"
    assert run.data.metrics["test_accuracy"] > 0.6
    report = mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/reports/per_class.csv")
    assert "Ankle boot" in report
    model = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    predictions = model.predict(model.input_example)
    assert predictions.columns[-1] == "probability_Ankle boot"
    assert set(predictions["label"]) <= set(model.metadata.metadata["class_names"])
