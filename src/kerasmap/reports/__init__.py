"""Reading recorded runs back: comparison tables and plots, reruns, re-evaluation."""
