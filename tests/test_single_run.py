"""A command composes its config once: the preflight's composition is the one Hydra runs."""

import hydra
import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode

from kerasmap import cli


@pytest.fixture
def compositions(monkeypatch) -> list[list[str]]:
    """The overrides of every config Hydra composes from now on."""
    composed = []
    original = ConfigLoaderImpl.load_configuration

    def counted(self, config_name, overrides, *args, **kwargs):
        composed.append(list(overrides))
        return original(self, config_name, overrides, *args, **kwargs)

    monkeypatch.setattr(ConfigLoaderImpl, "load_configuration", counted)
    return composed


def test_a_command_composes_its_config_once(tmp_path, monkeypatch, compositions):
    seen = {}

    @hydra.main(version_base="1.3", config_path=None, config_name="config")
    def main(cfg):
        seen.update(model=cfg.model.name, keys=set(cfg), mode=HydraConfig.get().mode)
        seen["job"] = HydraConfig.get().job.name

    arguments = ["model=cnn", "trainer.epochs=1", f"hydra.run.dir={tmp_path}/run"]
    monkeypatch.setattr(cli.sys, "argv", ["pipelines/train.py", *arguments])
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    monkeypatch.setattr(cli, "_exit_finished", lambda: None)

    cli.start(main, "config")

    assert compositions == [arguments]
    assert seen["model"] == "cnn" and "hydra" not in seen["keys"]
    assert seen["mode"] == RunMode.RUN
    assert seen["job"] == "test_single_run"  # named after the entry point's file, as by Hydra


def test_hydra_flags_leave_the_composing_to_hydra(compositions):
    assert cli.preflight("config", ["-m", "model.dropout=0.1,0.3"]) is None
    assert compositions == []
