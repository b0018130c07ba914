"""Resumable training: Keras `BackupAndRestore`, plus the state it does not save.

Keras backs up the weights, the optimizer and the epoch count. A resumed run ends with
the same result as an uninterrupted one only if more comes back too: early stopping's
progress (best value, patience used, best weights) and the random state of layers such
as Dropout, kept here; and the shuffle order of the epochs still to run, which the data
pipeline derives from the epoch number (`DatasetBundle.train_from_epoch`).
"""

import json
import logging
from pathlib import Path

import keras
import numpy as np

log = logging.getLogger(__name__)
STATE_FILE = "kerasmap_state.json"
ARRAYS_FILE = "kerasmap_state.npz"


class ResumableBackup(keras.callbacks.BackupAndRestore):
    """`BackupAndRestore` that also keeps early stopping's state and the RNG states.

    Args:
        backup_dir: Folder for the backup; deleted when training ends normally.
        early_stopping: The run's `EarlyStopping` callback, listed before this one.
    """

    def __init__(self, backup_dir: str, early_stopping: keras.callbacks.EarlyStopping):
        super().__init__(backup_dir, delete_checkpoint=True)
        self.early_stopping = early_stopping
        self.folder = Path(backup_dir)

    def _save_model(self):
        super()._save_model()
        stopping = self.early_stopping
        state = {
            "epoch": self._current_epoch,
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
        np.savez(self.folder / ARRAYS_FILE, **arrays)
        (self.folder / STATE_FILE).write_text(json.dumps(state))

    def _load_model(self):
        super()._load_model()
        state_path = self.folder / STATE_FILE
        if not state_path.exists():
            return
        state = json.loads(state_path.read_text())
        if state["epoch"] != completed_epochs(self.folder):
            log.warning(
                "The backup in %s is incomplete; early stopping starts afresh.", self.folder
            )
            return
        with np.load(self.folder / ARRAYS_FILE) as arrays:
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


def _seed_states(model: keras.Model) -> list:
    return [
        variable
        for variable in model.non_trainable_variables
        if "seed_generator_state" in variable.path
    ]


def completed_epochs(backup_dir: Path) -> int:
    """Epochs a backup in `backup_dir` has completed (0 when there is none)."""
    metadata = Path(backup_dir) / "training_metadata.json"
    return json.loads(metadata.read_text())["epoch"] if metadata.exists() else 0
