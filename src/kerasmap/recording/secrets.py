"""Keep credentials out of what a run records: params, the logged config, the overrides."""

import re

SECRET_KEY_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "credential")
URI_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)(?P<user>[^:/@\s]+):[^@/\s]+@")
HIDDEN = "***"


def is_secret_key(key: str) -> bool:
    """Whether a config key names a credential, e.g. `tracking.token`."""
    return any(word in key.lower() for word in SECRET_KEY_WORDS)


def redact_text(text: str) -> str:
    """Hides the password in every `scheme://user:password@host` inside `text`."""
    return URI_PASSWORD.sub(rf"\g<scheme>\g<user>:{HIDDEN}@", text)


def redact_config(config, key: str = ""):
    """A copy of a nested config with secret-named values hidden and URI passwords masked."""
    if isinstance(config, dict):
        return {name: redact_config(value, f"{key}.{name}") for name, value in config.items()}
    if isinstance(config, list):
        return [redact_config(value, key) for value in config]
    if is_secret_key(key) and config is not None:
        return HIDDEN
    return redact_text(config) if isinstance(config, str) else config


def redact_override(override: str) -> str:
    """An override with its value hidden when its key names a secret."""
    key, separator, value = override.partition("=")
    if separator and is_secret_key(key):
        return f"{key}={HIDDEN}"
    return redact_text(override)
