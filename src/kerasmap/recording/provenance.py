"""Tags that say where a run came from: code version, packages, device, data."""

import subprocess
from importlib import metadata
from pathlib import Path

TRACKED_PACKAGES = ("tensorflow", "keras", "mlflow", "hydra-core", "numpy", "kerasmap")
SOURCE_FOLDER = Path(__file__).resolve().parent


def git_state(folder: Path = SOURCE_FOLDER) -> dict[str, str]:
    """The commit of the code in `folder` and whether its work tree has changes.

    Args:
        folder: A folder inside the git checkout. Defaults to kerasmap's own source,
            so the tags describe the code that ran wherever the run was started.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        return {
            "git_commit": git("rev-parse", "HEAD"),
            "git_dirty": str(bool(git("status", "--porcelain"))).lower(),
        }
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": "unknown", "git_dirty": "unknown"}


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a result depends on, as `version.<name>` tags."""
    versions = {}
    for name in TRACKED_PACKAGES:
        try:
            versions[f"version.{name}"] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[f"version.{name}"] = "not installed"
    return versions
