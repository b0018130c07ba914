"""One module per dataset: `kerasmap.data.datasets.<name>` defines `load_<name>`.

A loader reads its files (or generates its data) with numpy only and returns the official
train and test splits as `kerasmap.data.arrays.ArraySplits`.
"""
