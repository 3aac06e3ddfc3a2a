"""Whether this process holds the scheduler (runs the reminder jobs), for `/readyz` and the metrics.

On SQLite (one process) `run` sets it when it starts the scheduler and clears it when it stops it;
on PostgreSQL the election (scheduler/election.py) flips it when this process wins or loses the
lock that makes it the one process of several to fire reminders.
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
