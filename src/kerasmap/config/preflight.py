"""Compose and validate the config before Hydra runs, to report a mistake in one sentence.

Hydra reports composition errors correctly but over several lines, with its search path
and a hint about stack traces. These checks compose the same config with Hydra's compose
API (a fraction of a second, no TensorFlow) and turn the error into one Keras-style
sentence naming the key, the value received and what is allowed. Nothing is written:
Hydra has not created its output folder yet. A plain run then runs on this composition
(`kerasmap.config.single_run`), so the config is composed once per command.
"""

import copy

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import (
    ConfigCompositionException,
    HydraException,
    MissingConfigException,
    OverrideParseException,
)
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import (
    ConfigAttributeError,
    ConfigKeyError,
    MissingMandatoryValue,
    OmegaConfBaseException,
)

from kerasmap.config import load_settings
from kerasmap.errors import ConfigError

# Keys whose value is a mapping the user fills in (`data.column_types={age: numeric}`).
# Hydra adds keys to a mapping only when the override starts with `++`; kerasmap adds it.
OPEN_MAPPINGS = ("data.column_types",)


def with_open_mappings(overrides: list[str]) -> list[str]:
    """`overrides`, with `++` before each one that fills an open mapping."""
    return [
        f"++{override}" if override.split("=", 1)[0] in OPEN_MAPPINGS else override
        for override in overrides
    ]


def check_overrides(
    config_dir: str, config_name: str, arguments: list[str], job_name: str = "app"
) -> DictConfig | None:
    """Composes `config_name` with the command-line `arguments` as Hydra would.

    Arguments that are flags (`-m`, `--cfg job`) are left to Hydra, and so are sweeps:
    each sweep job is checked when it runs.

    Args:
        config_dir: The config folder.
        config_name: The config in `config_dir`, e.g. `"config"`.
        arguments: The command line, without the program name.
        job_name: Hydra's `hydra.job.name`, the entry point's name. Defaults to `"app"`.

    Returns:
        The composed config with its `hydra` node, for Hydra to run; `None` for flags.

    Raises:
        ConfigError: If an override names an unknown option or key, a value has the
            wrong type or is out of range, or the groups do not fit together.
    """
    if any(argument.startswith("-") for argument in arguments):
        return None
    overrides = with_open_mappings(arguments)
    try:
        with initialize_config_dir(config_dir, job_name=job_name, version_base="1.3"):
            cfg = compose(config_name, overrides=overrides, return_hydra_config=True)
        load_settings(_without_hydra(cfg))
    except ConfigError:
        raise
    except (HydraException, OmegaConfBaseException, ValueError) as error:
        raise ConfigError(explain(error, arguments)) from None
    return cfg


def _without_hydra(cfg: DictConfig) -> DictConfig:
    """A copy of `cfg` without its `hydra` node: the config a run is given."""
    task_cfg = copy.deepcopy(cfg)
    with open_dict(task_cfg):
        del task_cfg["hydra"]
    return task_cfg


def explain(error: Exception, overrides: list[str]) -> str:
    """One sentence for a Hydra composition error."""
    if isinstance(error, OverrideParseException) or not isinstance(
        error, OmegaConfBaseException | HydraException
    ):
        return _unparsable(overrides)
    if isinstance(error, MissingMandatoryValue):
        key = error.full_key
        received = _override_for(key, overrides)
        return (
            f"Received no value for `{key}`, which this run needs: add {key}=<value>. "
            f"Received: {received if received != key else 'nothing'}"
        )
    if "Ambiguous value for argument" in str(error):
        override = str(error).split("'", 2)[1]
        return (
            f"The override `{override}` gives several values: add -m to sweep over them, "
            f"write [a,b] for a list, or quote 'a,b' for one text value."
        )
    if isinstance(error, ConfigCompositionException) and "In 'experiment/" in str(error):
        return _experiment_mismatch(str(error), overrides)
    if isinstance(error, MissingConfigException) and error.options:
        group = error.missing_cfg_file.rsplit("/", 1)[0]
        received = _override_for(group, overrides)
        return (
            f"Received an invalid value for `{group}`, expected one of "
            f"{', '.join(error.options)}. Received: {received}"
        )
    cause = error.__cause__
    if isinstance(cause, ConfigAttributeError | ConfigKeyError) and cause.full_key:
        parent, _, _ = cause.full_key.rpartition(".")
        return (
            f"Received an unknown key `{cause.full_key}`, expected one of the keys of "
            f"`{parent or 'the config'}`: {_keys_of(cause)}. "
            f"Received: {_override_for(cause.full_key, overrides)}"
        )
    if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
        key, received = cause.full_key, _override_for(cause.full_key, overrides)
        reason = str(cause.msg).splitlines()[0].rstrip(".")
        if "is not a ListConfig" in reason:
            return (
                f"Received an invalid value for `{key}`, expected a list such as [128, 64]. "
                f"Received: {received}"
            )
        expected = _expected_type(reason)
        if expected:
            return (
                f"Received an invalid value for `{key}`, expected {expected}. Received: {received}"
            )
        if "does not support deletion" in reason:
            return f"`{key}` cannot be deleted; set it to a value instead. Received: {received}"
        return (
            f"Received an invalid value for `{cause.full_key}`: {reason}. "
            f"Received: {_override_for(cause.full_key, overrides)}"
        )
    return " ".join(str(error).split())


def _unparsable(overrides: list[str]) -> str:
    parser = OverridesParser.create()
    for override in overrides:
        try:
            parser.parse_overrides([override])
            parsed = bool(override.lstrip("+~").split("=", 1)[0])
        except (HydraException, ValueError):
            parsed = False
        if not parsed:
            return (
                f"Could not parse the override `{override}`; write key=value, e.g. "
                f"trainer.epochs=3, quoting values with spaces or brackets."
            )
    return "Could not parse the overrides; write each one as key=value, e.g. trainer.epochs=3."


def _experiment_mismatch(message: str, overrides: list[str]) -> str:
    experiment = message.split("'experiment/", 1)[1].split("'", 1)[0]
    key = message.split("Key '", 1)[1].split("'", 1)[0] if "Key '" in message else "a key"
    chosen = [
        override
        for override in overrides
        if "." not in override.split("=", 1)[0] and not override.startswith("experiment=")
    ]
    return (
        f"Experiment `{experiment}` sets `{key}`, which the groups chosen with "
        f"{', '.join(chosen) or 'the defaults'} do not have; run the experiment with its own "
        f"groups, or use those groups without `experiment={experiment}`."
    )


def _override_for(key: str, overrides: list[str]) -> str:
    for override in overrides:
        if override.lstrip("+~").split("=", 1)[0] == key:
            return override
    return key


def _expected_type(reason: str) -> str | None:
    """What OmegaConf's type-conversion failure means, in the words of the other messages."""
    for words, expected in (
        ("converted to Integer", "an integer"),
        ("converted to Float", "a number"),
        ("is not a valid bool", "true or false"),
    ):
        if words in reason:
            return expected
    return None


def _keys_of(cause: OmegaConfBaseException) -> str:
    node = cause.parent_node
    if node is None or not OmegaConf.is_dict(node):
        return "see `python pipelines/train.py --cfg job`"
    return ", ".join(sorted(str(key) for key in node.keys() if key != "hydra"))
