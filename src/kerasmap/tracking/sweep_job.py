"""The sweep a training job belongs to, when Hydra runs it as part of a multirun."""

from dataclasses import dataclass
from pathlib import Path

from kerasmap.tracking import sweep_runs


@dataclass(frozen=True)
class SweepJob:
    """One job of a sweep: its parent run and Hydra's job number.

    Args:
        parent_id: The sweep's parent run id (also the sweep id).
        number: Hydra's job number within the sweep.
    """

    parent_id: str
    number: int

    def tags(self) -> dict[str, str]:
        """Tags that place this job's run in its sweep."""
        return sweep_runs.job_tags(self.parent_id, self.number)

    def record_failure(self, run_name: str, reason: str) -> None:
        """Records the job as a FAILED run unless its own run already recorded the failure."""
        if not sweep_runs.job_has_run(self.parent_id, self.number):
            sweep_runs.record_failed_job(self.parent_id, self.number, run_name, reason)


def current_sweep_job() -> SweepJob | None:
    """The sweep job Hydra is running now, or `None` for a single run."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return None
    hydra_config = HydraConfig.get()
    parent_id = sweep_runs.parent_run_id(Path(hydra_config.sweep.dir))
    return SweepJob(parent_id, int(hydra_config.job.num)) if parent_id else None
