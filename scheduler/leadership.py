"""Whether this process holds the scheduler (runs the reminder jobs), for `/readyz` and the metrics.

Today one process runs the scheduler whenever it runs at all, so `run` sets this when it starts
the scheduler and clears it when it stops it. The flag stands apart from the scheduler so that a
leader election (several processes on one database, one of them firing reminders) only has to
flip it when it wins or loses the lock.
"""

from __future__ import annotations

from bot.metrics import Metrics


class Leadership:
    def __init__(self, metrics: Metrics | None = None) -> None:
        self.metrics = metrics or Metrics()
        self._held = False
        self.metrics.scheduler_leader.set(0)

    @property
    def held(self) -> bool:
        return self._held

    @held.setter
    def held(self, value: bool) -> None:
        self._held = value
        self.metrics.scheduler_leader.set(1 if value else 0)
