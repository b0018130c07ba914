"""The config groups as `python pipelines/train.py --help` lists them.

Hydra's own listing would also show the `schema/...` groups, which hold kerasmap's schemas
and are not options; `conf/config.yaml`'s help template uses `${kerasmap_groups:}` instead.
"""

from omegaconf import OmegaConf

SKIPPED_GROUPS = ("hydra",)  # Hydra's settings; `--hydra-help` lists them


def config_groups() -> str:
    """One line per config group in `conf/`: its name and its options."""
    from kerasmap.config.compose import CONFIG_DIR

    lines = []
    for folder in sorted(CONFIG_DIR.iterdir()):
        if folder.is_dir() and folder.name not in SKIPPED_GROUPS:
            options = sorted(path.stem for path in folder.glob("*.yaml"))
            lines.append(f"  {folder.name + ':':<16}{', '.join(options)}")
    return "\n".join(lines)


def register_help_resolver() -> None:
    """Makes `${kerasmap_groups:}` available to the help template."""
    if not OmegaConf.has_resolver("kerasmap_groups"):
        OmegaConf.register_new_resolver("kerasmap_groups", config_groups)
