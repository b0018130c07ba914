"""Resumable training: Keras `BackupAndRestore`, whole or not at all, plus what it does not save.

Keras backs up the weights, the optimizer and the epoch count. A resumed run ends with
the same result as an uninterrupted one only if more comes back too: early stopping's
progress (best value, patience used, best weights) and the random state of layers such
as Dropout, kept here; and the shuffle order of the epochs still to run, which the data
pipeline derives from the epoch number (`DatasetBundle.train_from_epoch`).

Each epoch's backup is written into a folder of its own, `epoch-<n>/`, and only then does
the link `latest` point at it (an atomic rename). A process killed while writing leaves
`latest` at the previous complete backup, never at weights of one epoch beside the count
or random state of another.

An epoch is backed up when at least `MIN_BACKUP_SECONDS` have passed since the last backup
(or the start): every epoch of a run whose epochs take a second or more, every few epochs of
a small table's run, whose epochs take a tenth of a second and whose backups would
otherwise take most of its time. A resumed run replays the epochs after its last backup in
the same order, and they are not recorded twice (`kerasmap.recording.epoch_logger`).
"""

import json
import os
import shutil
import time
from pathlib import Path

import keras
import numpy as np

LATEST = "latest"  # a link to the folder of the last complete backup
WEIGHTS_FILE = "latest.weights.h5"  # the names Keras's BackupAndRestore reads
METADATA_FILE = "training_metadata.json"
STATE_FILE = "kerasmap_state.json"
ARRAYS_FILE = "kerasmap_state.npz"
MIN_BACKUP_SECONDS = 1.0  # a backup takes 50-100 ms: at most about a tenth of the time


class ResumableBackup(keras.callbacks.BackupAndRestore):
    """`BackupAndRestore` with atomic backups that also keep early stopping and RNG states.

    Args:
        backup_dir: Folder for the backups, which are deleted when training ends normally.
            The run record beside them stays until the run has ended
            (`kerasmap.recording.resume.kept_for_restart`).
        early_stopping: The run's `EarlyStopping` callback, listed before this one.
    """

    def __init__(self, backup_dir: str, early_stopping: keras.callbacks.EarlyStopping):
        # Keras restores from `latest`; `_save_model` below writes the backups.
        super().__init__(str(Path(backup_dir) / LATEST), delete_checkpoint=False)
        self.root = Path(backup_dir)
        self.early_stopping = early_stopping

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._last_backup = time.monotonic()

    def _save_model(self):
        if time.monotonic() - self._last_backup < MIN_BACKUP_SECONDS:
            return
        self._last_backup = time.monotonic()
        folder = self.root / f"epoch-{self._current_epoch}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.model.save_weights(folder / WEIGHTS_FILE)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        (folder / METADATA_FILE).write_text(json.dumps(metadata))
        self._save_state(folder)
        _point_latest_at(self.root, folder)
        for older in self.root.glob("epoch-*"):
            if older != folder:
                shutil.rmtree(older, ignore_errors=True)

    def _save_state(self, folder: Path) -> None:
        stopping = self.early_stopping
        state = {
            "best": float(stopping.best),
            "wait": stopping.wait,
            "best_epoch": stopping.best_epoch,
        }
        arrays = {
            f"seed_{index}": np.asarray(variable)
            for index, variable in enumerate(_seed_states(self.model))
        }
        for index, weights in enumerate(stopping.best_weights or []):
            arrays[f"best_{index}"] = weights
        np.savez(folder / ARRAYS_FILE, **arrays)
        (folder / STATE_FILE).write_text(json.dumps(state))

    def _load_model(self):
        super()._load_model()
        latest = self.root / LATEST
        if not (latest / STATE_FILE).exists():
            return
        state = json.loads((latest / STATE_FILE).read_text())
        with np.load(latest / ARRAYS_FILE) as arrays:
            for index, variable in enumerate(_seed_states(self.model)):
                variable.assign(arrays[f"seed_{index}"])
            best = [
                arrays[f"best_{index}"]
                for index in range(len(self.model.get_weights()))
                if f"best_{index}" in arrays
            ]
        stopping = self.early_stopping
        stopping.best, stopping.wait, stopping.best_epoch = (
            state["best"],
            state["wait"],
            state["best_epoch"],
        )
        stopping.best_weights = best or None

    def on_train_end(self, logs=None):
        # Keras leaves the resumed epoch on the model, where a later `fit` (the next phase
        # of `kerasmap.training.fine_tuning`) would start from it too.
        self.model._initial_epoch = None
        (self.root / LATEST).unlink(missing_ok=True)
        for backup in self.root.glob("epoch-*"):
            shutil.rmtree(backup, ignore_errors=True)


def _point_latest_at(root: Path, folder: Path) -> None:
    """Makes `root/latest` a link to `folder` in one atomic step."""
    staged = root / f"{LATEST}.next"
    staged.unlink(missing_ok=True)
    staged.symlink_to(folder.name, target_is_directory=True)
    os.replace(staged, root / LATEST)


def _seed_states(model: keras.Model) -> list:
    return [
        variable
        for variable in model.non_trainable_variables
        if "seed_generator_state" in variable.path
    ]


def completed_epochs(backup_dir: Path) -> int:
    """Epochs the last complete backup in `backup_dir` holds (0 when there is none)."""
    metadata = Path(backup_dir) / LATEST / METADATA_FILE
    return json.loads(metadata.read_text())["epoch"] if metadata.exists() else 0
