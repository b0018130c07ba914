"""Stage 4: test metrics, per-class report and plots."""
