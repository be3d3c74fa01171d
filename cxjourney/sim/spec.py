"""How to run, apart from what: the frozen run specification every command shares.

Light on purpose (no simulator imported), so that the command line can build it while
parsing options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Journey
from .sequential import Schedule


class RunRefused(ValueError):
    """The run asked for cannot go ahead (too large, or invalid together): an input error."""


class LongRun(UserWarning):
    """A run over the size limit that goes ahead because `allow_long` says so."""


@dataclass(frozen=True)
class RunSpec:
    """How to run, the same for every command and every caller of the library."""

    seed: int = 1
    replications: int = 10  # exactly this many, unless `schedule` is adaptive
    schedule: Schedule | None = None
    horizon: float | None = None  # minutes; None keeps the file's
    workers: int = 1
    dask: str | None = None  # a Dask scheduler's address: run the tasks there
    allow_long: bool = False
    engine: str = "auto"

    @property
    def adaptive(self) -> bool:
        return self.schedule is not None and self.schedule.adaptive

    @property
    def first(self) -> int:
        """Replications at the first look (all of them when not adaptive)."""
        return self.schedule.start if self.schedule is not None else self.replications

    @property
    def most(self) -> int:
        """Replications the run may take (for the size check and a progress bar)."""
        return self.schedule.maximum if self.schedule is not None else self.replications

    @property
    def level(self) -> float:
        """The confidence level of effects and verdicts (lower than 95% never)."""
        return self.schedule.level if self.schedule is not None else 0.95

    def on(self, journey: Journey) -> Journey:
        """The journey with this run's horizon."""
        return journey if self.horizon is None else replace(journey, horizon=self.horizon)
