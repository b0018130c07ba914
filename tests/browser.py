"""A page as a fresh headless Chromium renders it (Debian's `chromium`)."""

import shutil
import subprocess
import tempfile

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # needed when the tests run as root, as CI does
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine has no network beyond loopback
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
]


def chromium() -> str:
    """The Chromium executable; skips the test, saying why, when there is none."""
    found = shutil.which("chromium")
    if found is None:
        pytest.skip(
            "Debian's `chromium` is not installed (`apt-get install chromium`; CI installs it)."
        )
    return found


def rendered_dom(url: str, budget_ms: int = 15000) -> str:
    """The page's DOM after its scripts ran, in a browser that has never seen the site."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",  # lets the React app fetch and render
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0 and result.stdout.strip(), result.stderr[-2000:]
    return result.stdout
