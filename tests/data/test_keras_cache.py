"""Loading through `keras.datasets`: a sweep's jobs in one process read the files once."""

from types import SimpleNamespace

import numpy as np

from kerasmap import run, sweeps
from kerasmap.data import keras_cache
from kerasmap.data.keras_cache import download_with_keras, loads_kept


def test_within_loads_kept_a_load_like_the_last_with_unchanged_files_is_read_once(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(keras_cache, "_LAST_LOAD", {})
    monkeypatch.setattr(keras_cache, "keras_datasets_dir", lambda: tmp_path)
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "train.gz").write_bytes(b"1")
    calls = []

    def load_data(**kwargs):
        calls.append(kwargs)
        return (np.zeros(3), np.ones(3)), (np.zeros(2), np.ones(2))

    with loads_kept():
        first = download_with_keras(load_data, "Toy", "toy.gz", num_words=5)
    with loads_kept():  # the next job of a sweep
        assert download_with_keras(load_data, "Toy", "toy.gz", num_words=5) is first
        assert not any(array.flags.writeable for split in first for array in split)
        download_with_keras(load_data, "Toy", "toy.gz", num_words=6)  # other arguments
        (tmp_path / "toy" / "train.gz").write_bytes(b"22")  # a file Keras reads changed
        download_with_keras(load_data, "Toy", "toy.gz", num_words=6)
    assert download_with_keras(load_data, "Toy", "toy.gz", num_words=6)[0][0].flags.writeable
    assert calls == [{"num_words": 5}, {"num_words": 6}, {"num_words": 6}, {"num_words": 6}]


def test_the_jobs_of_a_sweep_train_within_loads_kept_and_a_single_run_does_not(monkeypatch):
    monkeypatch.setattr(run, "train", lambda cfg: keras_cache._KEEPING.get())
    monkeypatch.setattr(sweeps, "current_sweep_job", lambda: SimpleNamespace(number=0))
    assert run.run_job(None) is True
    monkeypatch.setattr(sweeps, "current_sweep_job", lambda: None)
    assert run.run_job(None) is False
