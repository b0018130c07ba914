"""Stage 3: fit a compiled model on the prepared datasets."""
