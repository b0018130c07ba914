"""`model=pretrained`: a Keras application backbone, its weights read from a file in Keras's
cache (written here, nothing is downloaded), trained frozen then fine-tuned in one run and
logged as a model that stands alone; and the mistakes it meets, each one sentence before any
run opens."""

import re
from pathlib import Path
from types import SimpleNamespace

import keras
import mlflow
import numpy as np
import pytest

from kerasmap import cli
from kerasmap.config.compose import compose_config
from kerasmap.errors import ConfigError
from kerasmap.models.backbones import BACKBONES
from kerasmap.models.pretrained import backbone_of
from kerasmap.run import train

from own_files import write_image_folder
from pipeline_helpers import new_store, store_overrides, train_in_process

BACKBONE = "mobilenet_v3_small_minimalistic"  # the quickest to trace and train on a CPU
PRETRAINED = ["model=pretrained", f"model.backbone={BACKBONE}"]
IMAGES = ["data=image_folder", "data.image_size=[32,32]", "data.color_mode=rgb"]
CACHED_FILE = BACKBONES[BACKBONE].file_name


def write_backbone_weights(keras_home) -> keras.Model:
    """Writes the backbone's weights where Keras's cache keeps them, as Keras's files are:
    legacy HDF5 without the classifier. Each weight is moved off its initial value, so a
    backbone built afresh differs from one that read the file."""
    backbone = keras.applications.MobileNetV3Small(
        input_shape=(32, 32, 3), include_top=False, weights=None, minimalistic=True
    )
    rng = np.random.default_rng(0)
    backbone.set_weights(
        [weight + rng.normal(0, 0.01, weight.shape) for weight in backbone.get_weights()]
    )
    (keras_home / "models").mkdir(parents=True)
    backbone.save(keras_home / "models" / CACHED_FILE)
    return backbone


@pytest.fixture(scope="module")
def pretrained_run(tmp_path_factory) -> SimpleNamespace:
    """One frozen and one fine-tuning epoch on a folder of dark and light images."""
    folder = new_store(tmp_path_factory.mktemp("pretrained"))
    written = write_backbone_weights(folder / "keras_home")
    images = write_image_folder(folder / "images")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KERAS_HOME", str(folder / "keras_home"))
        run = train_in_process(
            folder,
            *IMAGES,
            f"data.path={images}",
            *PRETRAINED,
            "model.frozen_epochs=1",
            "trainer.epochs=2",
        )
    mlflow.set_tracking_uri(None)
    return SimpleNamespace(folder=folder, run=run, written=written)


def use(pretrained_run):
    mlflow.set_tracking_uri(f"sqlite:///{pretrained_run.folder}/mlflow.db")
    return pretrained_run.run


def logged_keras_model(run) -> keras.Model:
    """The Keras model inside the logged model, loaded by Keras alone in safe mode."""
    folder = mlflow.artifacts.download_artifacts(f"runs:/{run.info.run_id}/model")
    (keras_file,) = Path(folder).rglob("*.keras")
    return keras.saving.load_model(keras_file, safe_mode=True)


def test_the_two_phases_are_one_finished_run_with_a_lower_rate_for_fine_tuning(pretrained_run):
    run = use(pretrained_run)
    client = mlflow.MlflowClient()
    rates = client.get_metric_history(run.info.run_id, "learning_rate")

    assert run.info.status == "FINISHED"
    assert [point.step for point in client.get_metric_history(run.info.run_id, "loss")] == [0, 1]
    assert sorted(rates, key=lambda point: point.step)[1].value == pytest.approx(1e-3 * 0.01)
    assert run.data.metrics["epochs_run"] == 2


def test_the_logged_model_is_keras_layers_only_and_labels_raw_pixels_of_any_size(pretrained_run):
    run = use(pretrained_run)
    model = logged_keras_model(run)
    served = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")

    predicted = served.predict(np.zeros((2, 45, 50, 3), dtype=np.uint8))

    assert set(predicted["label"]) <= {"dark", "light"}
    assert list(predicted.columns[2:]) == ["probability_dark", "probability_light"]
    assert model.predict(np.zeros((1, 20, 70, 3), dtype=np.uint8), verbose=0).shape == (1, 2)
    modules = {type(layer).__module__.split(".")[0] for layer in backbone_of(model).layers}
    assert modules == {"keras"}


def test_the_backbone_started_from_the_file_and_kept_its_batch_normalization(pretrained_run):
    model = logged_keras_model(use(pretrained_run))
    trained, written = backbone_of(model), pretrained_run.written

    for layer in written.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            for after, before in zip(
                trained.get_layer(layer.name).weights, layer.weights, strict=True
            ):
                np.testing.assert_array_equal(np.asarray(after), np.asarray(before))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            ["data=mnist", "model.backbone=resnet9"],
            r"Received an invalid value for `model.backbone`, expected one of "
            r"'mobilenet_v3_small', .*'efficientnet_v2_b3'. Received: model.backbone='resnet9'",
        ),
        (
            [*IMAGES[:1], "data.path=photos", "data.image_size=[24,64]"],
            r"Received an invalid value for `data.image_size`, expected \[height, width\] of at "
            r"least 32 pixels each for the mobilenet_v3_small backbone. Received: "
            r"data.image_size=\[24, 64\]",
        ),
    ],
)
def test_a_wrong_backbone_or_too_small_images_is_one_sentence_before_hydra_runs(
    tmp_path, capsys, overrides, message
):
    with pytest.raises(SystemExit) as stopped:
        cli.preflight("config", [*store_overrides(tmp_path), "model=pretrained", *overrides])

    assert stopped.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert re.fullmatch(f"Error: {message}", line)
    assert not (tmp_path / "mlflow.db").exists()


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            [],
            rf"The {BACKBONE} backbone's weights are not in Keras's cache: download "
            rf"https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
            rf"{CACHED_FILE} on a connected machine and copy it to /.*/keras_home/models/"
            rf"{CACHED_FILE}, or give its path as model.weights=<file>.",
        ),
        (
            ["model.weights=downloads/backbone.h5"],
            rf"Received an invalid value for `model.weights`, expected the path of a weights "
            rf"file of the {BACKBONE} backbone, such as {CACHED_FILE} from https://.*"
            rf"{CACHED_FILE}. Received: model.weights='downloads/backbone.h5'",
        ),
    ],
)
def test_a_missing_weights_file_names_where_it_goes_before_anything_is_read_or_written(
    tmp_path, monkeypatch, weights, message
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    overrides = [*IMAGES, "data.path=photos", *PRETRAINED, *weights, *store_overrides(tmp_path)]

    with pytest.raises(ConfigError, match=f"^{message}$"):
        train(compose_config(overrides), overrides=overrides)

    assert list(tmp_path.iterdir()) == []
