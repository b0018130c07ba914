"""Unpickling that can rebuild numpy arrays and plain containers, and nothing else."""

import pickle

# CIFAR-10's batches and IMDB's ragged sequences are stored as pickles. Rebuilding
# them needs only these globals (numpy < 2 and numpy >= 2 spellings), the same set
# Keras allows; refusing everything else keeps a tampered file from running code.
# Keras's own unpickler is private (`keras.src`) and would pull TensorFlow into loaders.
_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class RestrictedUnpickler(pickle.Unpickler):
    """A `pickle.Unpickler` that only resolves numpy array reconstruction globals."""

    def find_class(self, module: str, name: str):
        """Resolves `module.name` if it rebuilds a numpy array.

        Args:
            module: Module of the global the pickle refers to.
            name: Name of the global inside `module`.

        Returns:
            The global.

        Raises:
            pickle.UnpicklingError: If the global is not needed to rebuild an array.
        """
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load `{module}.{name}` from a dataset file")
