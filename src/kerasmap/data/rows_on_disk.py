"""Decoded examples too large for memory: rows of a file the run owns, read a batch at a time.

The file is created already unlinked (`tempfile.TemporaryFile`), so the operating system
removes it when the run's process ends, however it ends; nothing is left behind.
"""

import tempfile

import numpy as np

MEMORY_SHARE = 0.5  # `auto` keeps decoded examples in memory up to this share of what is free


class RowsOnDisk:
    """Some rows of an array held in a file, in a chosen order.

    Args:
        array: A `numpy.memmap` of every row.
        index: Which rows of `array`, in order. Defaults to all of them.
    """

    def __init__(self, array: np.memmap, index: np.ndarray | None = None):
        self.array = array
        self.index = np.arange(len(array)) if index is None else np.asarray(index)

    def __len__(self) -> int:
        return len(self.index)

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self), *self.array.shape[1:])

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    def __getitem__(self, positions) -> "RowsOnDisk":
        """The rows at `positions` (a slice or integer indices) of these, still on disk, so
        code that indexes arrays (splits, limits) indexes these alike."""
        return RowsOnDisk(self.array, self.index[positions])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """All these rows, read into memory (`np.asarray(rows)`)."""
        return self.read(slice(None)).astype(dtype or self.dtype, copy=False)

    def read(self, positions) -> np.ndarray:
        """The rows at `positions` of these, read into memory."""
        return np.asarray(self.array[self.index[positions]])


def allocate_rows(shape: tuple[int, ...], dtype, cache: str) -> np.ndarray:
    """An uninitialised array of `shape`: in memory, or, for `cache="file"` or `"auto"` when
    it would take more than `MEMORY_SHARE` of the memory free now, a `memmap` of a file the
    run owns."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if cache == "memory" or (cache == "auto" and size <= MEMORY_SHARE * available_memory()):
        return np.empty(shape, dtype)
    return np.memmap(tempfile.TemporaryFile(prefix="kerasmap-images-"), dtype, "w+", shape=shape)


def available_memory() -> int:
    """Bytes of memory free for new work (Linux's `MemAvailable`; elsewhere, all pages)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def rows_of(array: np.ndarray):
    """`array` as the pipelines take it: a `RowsOnDisk` for a `memmap`, else itself."""
    return RowsOnDisk(array) if isinstance(array, np.memmap) else array
