"""Every config group composes and validates; bad values fail with one clear sentence."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
import yaml
from omegaconf import MISSING, OmegaConf

from kerasmap.config import load_settings
from kerasmap.config.compose import compose_config
from kerasmap.config.data import ImageDataConfig, ImdbDataConfig, MoonsDataConfig
from kerasmap.config.model import AttentionConfig, CNNConfig, LSTMConfig, MLPConfig
from kerasmap.config.registry import GROUP_SCHEMAS, families_for, model_schemas
from kerasmap.errors import ConfigError

CONF = Path(__file__).resolve().parents[1] / "conf"
GROUPS = ("data", "model", "optimizer", "trainer", "tracking", "experiment", "hparams_search")


def options(group: str) -> list[str]:
    return sorted(path.stem for path in (CONF / group).glob("*.yaml"))


# The values a user must give for their own data, which no default can stand for.
REQUIRED = {
    "table": ["data.path=homes.csv", "data.target=price"],
    "image_folder": ["data.path=photos"],
    "text_folder": ["data.path=reviews"],
}


def settings_for(*overrides: str):
    return load_settings(compose_config(list(overrides)))


def compatible_model(data: str) -> str:
    """The first model family that reads the dataset's kind of input."""
    return families_for(OmegaConf.get_type(compose_config([f"data={data}"]).data).MODALITY)[0]


@pytest.mark.parametrize(
    "group, option", [(group, option) for group in GROUPS for option in options(group)]
)
def test_every_config_group_option_composes_and_validates(group, option):
    settings = settings_for(*option_overrides(group, option))
    if group in ("data", "model", "optimizer"):
        assert getattr(settings, group).name == option


def test_defaults_are_the_classic_mlp_on_fashion_mnist_with_adam():
    settings = settings_for()
    assert (settings.data.name, settings.model.name, settings.optimizer.name) == (
        "fashion_mnist",
        "mlp",
        "adam",
    )
    assert settings.model.hidden_units == [128]
    assert settings.tracking.uri == "sqlite:///mlflow.db"


@pytest.mark.parametrize(
    "experiment, expected",
    [
        ("mnist_mlp", {"data": "mnist", "model": "mlp", "optimizer": "adam"}),
        ("mnist_cnn", {"data": "mnist", "model": "cnn", "optimizer": "adam"}),
        ("mnist_rnn", {"data": "mnist", "model": "lstm", "optimizer": "adam"}),
        ("cifar10_cnn", {"data": "cifar10", "model": "cnn", "optimizer": "sgd"}),
        ("moons_binary", {"data": "moons", "model": "mlp", "optimizer": "adam"}),
        ("fashion_fast", {"data": "fashion_mnist", "model": "cnn", "optimizer": "adam"}),
        ("fashion_best", {"data": "fashion_mnist", "model": "cnn", "optimizer": "adam"}),
    ],
)
def test_experiments_select_their_groups(experiment, expected):
    settings = settings_for(f"experiment={experiment}")
    for group, name in expected.items():
        assert getattr(settings, group).name == name


def test_classic_experiment_hyperparameters():
    rnn = settings_for("experiment=mnist_rnn")
    assert (rnn.model.units, rnn.model.cell) == ([128, 128], "rnn")
    assert (rnn.trainer.epochs, rnn.trainer.batch_size) == (10, 64)
    cifar = settings_for("experiment=cifar10_cnn")
    assert (cifar.model.dense_units, cifar.optimizer.learning_rate) == (512, 0.001)
    assert cifar.optimizer.momentum == 0.9  # the sgd default
    moons = settings_for("experiment=moons_binary")
    assert moons.model.hidden_units == [4]


def test_overrides_reach_the_typed_settings():
    settings = settings_for("model=cnn", "model.dropout=0.3", "optimizer.weight_decay=1e-4")
    assert isinstance(settings.model, CNNConfig)
    assert settings.model.dropout == 0.3
    assert settings.optimizer.optimizer_options()["weight_decay"] == 1e-4


def test_group_schemas_are_the_dataclasses():
    assert isinstance(settings_for("data=cifar10").data, ImageDataConfig)
    assert isinstance(settings_for("data=imdb", "model=lstm").data, ImdbDataConfig)
    assert isinstance(settings_for("data=moons").data, MoonsDataConfig)
    assert isinstance(settings_for("model=mlp").model, MLPConfig)
    assert isinstance(settings_for("model=lstm").model, LSTMConfig)
    assert isinstance(settings_for("model=attention").model, AttentionConfig)


def test_loader_and_builder_options_are_the_plain_arguments():
    settings = settings_for("data=imdb", "model=lstm", "data.maxlen=50")
    assert settings.data.loader_options() == {"path": None, "num_words": 20000, "maxlen": 50}
    assert "name" not in settings.model.builder_options()
    moons = settings_for("data=moons")
    assert moons.data.loader_options() == {"num_samples": 1000, "noise": 0.2}


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["model.dropout=1.5"], r"`model.dropout`, expected a float in \[0, 1\). Received: "),
        (["model.dropout=-0.1"], r"model.dropout=-0.1"),
        (["model.l2=-1"], r"`model.l2`, expected a float >= 0"),
        (["model.hidden_units=[]"], r"`model.hidden_units`, expected a non-empty list"),
        (["model=cnn", "model.filters=[32,0]"], r"model.filters=\[32, 0\]"),
        (["model=lstm", "model.cell=transformer"], r"`model.cell`, expected one of 'lstm'"),
        (["model=attention", "model.embed_dim=30"], r"multiple of model.num_heads=4"),
        (["trainer.epochs=0"], r"`trainer.epochs`, expected an integer >= 1. Received: "),
        (["trainer.batch_size=-8"], r"trainer.batch_size=-8"),
        (["trainer.precision=float64"], r"`trainer.precision`, expected one of 'auto'"),
        (
            ["trainer.steps_per_execution=fast"],
            r"`trainer.steps_per_execution`, expected auto or a whole number",
        ),
        (["trainer.monitor=loss"], r"`trainer.monitor`, expected a validation metric"),
        (["trainer.jit_compile=fast"], r"`trainer.jit_compile`, expected one of 'auto'"),
        (["trainer.lr_schedule.name=linear"], r"`trainer.lr_schedule.name`"),
        (
            [
                "trainer.lr_schedule.name=cosine",
                "trainer.epochs=2",
                "trainer.lr_schedule.warmup_epochs=2",
            ],
            r"`trainer.lr_schedule.warmup_epochs`, expected fewer epochs than trainer.epochs=2",
        ),
        (["data.val_fraction=1.0"], r"`data.val_fraction`, expected a float in \(0, 1\)"),
        (["data.val_fraction=0"], r"data.val_fraction=0.0"),
        (["data.limit=1"], r"`data.limit`, expected null or an integer >= 2"),
        (["optimizer.learning_rate=0"], r"`optimizer.learning_rate`, expected a float > 0"),
        (["optimizer.weight_decay=-1e-4"], r"`optimizer.weight_decay`"),
        (["optimizer=sgd", "optimizer.momentum=1.0"], r"`optimizer.momentum`"),
        (["optimizer.clipnorm=1", "optimizer.clipvalue=1"], r"null when optimizer.clipnorm"),
        (["data=moons", "data.noise=-1"], r"`data.noise`, expected a float >= 0"),
        (["data=imdb", "model=lstm", "data.maxlen=0"], r"`data.maxlen`"),
        (["tracking.uri=ftp://x"], r"`tracking.uri`, expected an MLflow tracking URI"),
        (["seed=-1"], r"`seed`, expected an integer >= 0"),
    ],
)
def test_out_of_range_values_raise_config_error(overrides, message):
    with pytest.raises(ConfigError, match=message):
        settings_for(*overrides)


@pytest.mark.parametrize(
    "model, data, fitting",
    [
        ("cnn", "imdb", "attention, linear, lstm"),
        ("mlp", "imdb", "attention, linear, lstm"),
        ("cnn", "moons", "linear, mlp, tabular"),
        ("attention", "moons", "linear, mlp, tabular"),
    ],
)
def test_family_that_does_not_fit_the_data_names_the_families_that_do(model, data, fitting):
    with pytest.raises(ConfigError, match=f"model families that fit {data} are: {fitting}"):
        settings_for(f"model={model}", f"data={data}")


def test_resolved_config_has_no_missing_values():
    cfg = compose_config(["experiment=moons_binary"])
    assert OmegaConf.missing_keys(cfg) == set()


def yaml_values(path: Path) -> dict:
    """The values a config file sets, as dotted keys, without its defaults list."""
    content = {
        key: value for key, value in yaml.safe_load(path.read_text()).items() if key != "defaults"
    }
    content.pop("hydra", None)
    return pd.json_normalize(content, sep=".").iloc[0].to_dict() if content else {}


@pytest.mark.parametrize(
    "group, option",
    [(group, option) for group in GROUP_SCHEMAS for option in options(group)],
)
def test_each_default_is_set_once_in_the_yaml_or_the_schema(group, option):
    schema = type(getattr(settings_for(*option_overrides(group, option)), group))
    in_schema = {
        field.name
        for field in dataclasses.fields(schema)
        if field.default is not MISSING and field.default_factory is dataclasses.MISSING
    }
    in_yaml = set(yaml_values(CONF / group / f"{option}.yaml"))
    assert not in_schema & in_yaml, f"{group}/{option}.yaml restates schema defaults"


def option_overrides(group: str, option: str) -> list[str]:
    """`group=option`, with what that option cannot run without (a file, a family)."""
    overrides = [f"{group}={option}"]
    if group == "data":
        overrides.append(f"model={compatible_model(option)}")
        overrides += REQUIRED.get(option, [])
    if group == "model":
        reads_images = "image" in model_schemas()[option].MODALITIES
        overrides.append("data=mnist" if reads_images else "data=moons")
    return overrides


@pytest.mark.parametrize("experiment", options("experiment"))
def test_experiment_files_hold_only_what_they_change(experiment):
    document = yaml.safe_load((CONF / "experiment" / f"{experiment}.yaml").read_text())
    groups = [
        f"{entry.removeprefix('override /').split(':')[0]}={value}"
        for item in document["defaults"]
        for entry, value in item.items()
    ]
    without = OmegaConf.to_container(compose_config(groups), resolve=True)
    for key, value in yaml_values(CONF / "experiment" / f"{experiment}.yaml").items():
        assert OmegaConf.select(OmegaConf.create(without), key) != value, (
            f"experiment/{experiment}.yaml sets {key}={value}, which is already the default"
        )


def test_a_table_run_recorded_before_tables_had_their_own_defaults_reruns_as_it_trained(tmp_path):
    from kerasmap.config.compose import rebuild_config

    table = tmp_path / "rows.csv"
    table.write_text("x,y\n1,a\n2,b\n")
    chosen = ["data=table", f"data.path={table}", "data.target=y"]
    then = ["model=mlp", "optimizer=adam", "trainer=default"]  # what data=table used to bring
    recorded = OmegaConf.to_container(compose_config(chosen + then), resolve=True)
    for key in ("max_steps", "min_batches_per_epoch", "label_smoothing"):  # newer than the run
        del recorded["trainer"][key]

    cfg, replayed = rebuild_config(chosen, recorded, [], source="run_id='old'")
    settings = load_settings(cfg)

    assert (settings.model.name, settings.optimizer.name) == ("mlp", "adam")
    assert (settings.trainer.epochs, settings.trainer.max_steps) == (10, None)
    assert settings.trainer.label_smoothing == 0.0
    assert replayed == chosen  # what the run was told; its groups come from its record
