"""Hydra sweep strings -> Optuna distributions, and an Optuna trial -> job overrides.

interval(0.0, 0.5)               -> FloatDistribution(0.0, 0.5)
tag(log, interval(1e-4, 1e-1))   -> FloatDistribution(1e-4, 1e-1, log=True)
range(1, 4)                      -> IntDistribution(1, 3)  (Hydra's stop is exclusive)
choice(32, 64), 32,64, glob(*)   -> CategoricalDistribution([32, 64])
"""

from collections.abc import Mapping

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, Transformer
from hydra.errors import OverrideParseException
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from hydra_plugins.kerasmap_optuna_sweeper.errors import require

SWEEPS = (
    "a search space: interval(low, high), tag(log, interval(low, high)), "
    "choice(a, b, ...) or range(start, stop[, step])"
)


def parse_params(parser: OverridesParser, params: Mapping[str, str]) -> dict[str, BaseDistribution]:
    """Parses `hydra.sweeper.params` into one Optuna distribution per config key.

    Raises:
        SweeperConfigError: If a value is not a sweep, or not one Optuna can sample.
    """
    space = {}
    for key, value in params.items():
        name = f"hydra.sweeper.params.{key}"
        try:
            [override] = parser.parse_overrides([f"{key}={value}"])
        except OverrideParseException:
            override = None
        require(override is not None and override.is_sweep_override(), name, value, SWEEPS)
        space[override.get_key_element()] = distribution(override, name)
    return space


def split_arguments(
    parser: OverridesParser, arguments: list[str], space: dict[str, BaseDistribution]
) -> tuple[list[str], dict[str, BaseDistribution]]:
    """Splits the command line into overrides every job gets and the final search space.

    A sweep on the command line (`model.dropout=0.1,0.3`) joins the search space,
    replacing a `params` entry of the same key. A plain value (`model.dropout=0.2`)
    is passed to every job and removes its key from the search space.

    Returns:
        The fixed overrides, as typed, and the search space.
    """
    fixed, space = [], dict(space)
    for override in parser.parse_overrides(arguments):
        key = override.get_key_element()
        if override.is_sweep_override():
            space[key] = distribution(override, key)
        else:
            fixed.append(override.input_line)
            space.pop(key, None)
    return fixed, space


def distribution(override: Override, name: str) -> BaseDistribution:
    """The Optuna distribution of one sweep override; `name` is the key errors report."""
    sweep, text = override.value(), override.get_value_string()
    tags = getattr(sweep, "tags", set())  # a glob(...) carries no tags
    allowed_tags = {"log"} if override.is_interval_sweep() else set()
    expected_tags = f"{SWEEPS}; only an interval takes a tag, and only `log`"
    require(tags <= allowed_tags, name, text, expected_tags)
    if override.is_interval_sweep():
        log = "log" in tags
        require(sweep.start < sweep.end, name, text, "an interval with low < high")
        require(not log or sweep.start > 0, name, text, "a log interval with low > 0")
        return FloatDistribution(sweep.start, sweep.end, log=log)
    values = list(override.sweep_iterator(transformer=Transformer.encode))
    require(len(values) > 0, name, text, f"{SWEEPS}, with at least one value")
    if override.is_range_sweep() and all(isinstance(value, int) for value in values):
        return IntDistribution(min(values), max(values), step=abs(sweep.step))
    return CategoricalDistribution(values)


def job_overrides(params: Mapping[str, object]) -> list[str]:
    """A trial's parameters as Hydra overrides, e.g. `["model.dropout=0.21"]`."""
    return [f"{key}={value}" for key, value in params.items()]
