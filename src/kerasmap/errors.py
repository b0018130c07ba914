"""Errors that report a user mistake: one sentence, shown without a traceback."""


class KerasmapError(Exception):
    """Base class for problems the user can fix (bad config value, missing file)."""


class ConfigError(KerasmapError, ValueError):
    """A configuration value is invalid or does not fit the rest of the config."""


class DataError(KerasmapError):
    """A dataset could not be loaded: missing, unreadable or malformed file."""


class TrainingDivergedError(KerasmapError):
    """The loss became NaN or infinite, so training stopped."""
