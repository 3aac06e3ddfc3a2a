"""Reminders: one APScheduler job per (session, lead time); each fans out to its subscribers.

Jobs are derived from the data and rebuilt at every start and data reload, so they need no job
store of their own: what must survive a crash is the delivery ledger in the database. A job fires
by the conference clock (simulated and sped up in rehearsals). Its misfire grace time is its lead
time, so after downtime a reminder for a session that has not started yet still goes out (late),
and one for a session already under way does not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock, real_seconds_until
from bot.metrics import Metrics
from bot.model import Conference, Session
from bot.notices import reminder_reply
from bot.reminders import LEAD_TIMES
from bot.store.models import DeliveryKind
from bot.store.store import STALE_CLAIM, Store
from scheduler.fanout import FanOut, FanOutResult
from scheduler.limiter import RateLimiter
from scheduler.notifier import Notifier

logger = logging.getLogger(__name__)

JOB_PREFIX = "reminder:"
# Real seconds within which a job's time counts as unchanged: the two clocks are read microseconds
# apart at each rebuild, while a session moved or a clock reset shifts it by minutes.
SAME_RUN_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ReminderJob:
    session_id: str
    lead_minutes: int
    due: datetime  # by the conference clock

    @property
    def id(self) -> str:
        return f"{JOB_PREFIX}{self.session_id}:{self.lead_minutes}"


def reminder_jobs(conference: Conference, now: datetime) -> list[ReminderJob]:
    """Every (session, lead) whose session has not started yet: the programme times five."""
    return [
        ReminderJob(s.id, lead, s.start - timedelta(minutes=lead))
        for s in conference.sessions
        if s.kind.reminders and s.start > now  # nobody needs a reminder for the coffee
        for lead in LEAD_TIMES
    ]


def reminder_key(session: Session) -> str:
    """The ledger key: one reminder per person and session, whatever the lead time; a session moved
    to another time is a new one (the reminder for the old time said the wrong hour)."""
    return f"{session.id}@{session.start.isoformat(timespec='minutes')}"


def is_visit(session: Session) -> bool:
    """A session people must travel to: reminded earlier (bot/conversation.py), with its meeting point."""
    return session.kind.travel


def _same_run(job: Job, run_at: datetime, grace: int) -> bool:
    """An existing job that would fire as a new one would: within a second, same grace time."""
    next_run: datetime | None = getattr(job, "next_run_time", None)  # unset until the scheduler runs
    return (
        next_run is not None
        and abs((next_run - run_at).total_seconds()) < SAME_RUN_SECONDS
        and job.misfire_grace_time == grace
    )


class Reminders:
    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        conference: Callable[[], Conference],
        clock: Clock,
        limiter: RateLimiter | None = None,
        scheduler: AsyncIOScheduler | None = None,
        stale_after: timedelta = STALE_CLAIM,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.conference = conference  # read at fire time: a reload takes effect at once
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.fanout = FanOut(store, notifier, limiter, stale_after, self.metrics)
        # In the event's timezone (run dates are aware anyway; logs and naive inputs read locally).
        self.scheduler = scheduler or AsyncIOScheduler(timezone=conference().tz)
        self._stopped = False

    def start(self) -> int:
        """Start firing, with every job rebuilt; what fell due while no process fired (within its
        grace time) fires at once. How many jobs."""
        if self._stopped:
            # A stopped AsyncIOScheduler shuts down on the loop's next turn, too late to start it
            # again now; a fresh one also drops the retries of the previous term.
            self.scheduler = AsyncIOScheduler(timezone=self.scheduler.timezone)
            self._stopped = False
        self.scheduler.start()
        return self.rebuild()

    def stop(self) -> None:
        """Stop firing (a fan-out under way runs on: the ledger keeps it from doubling)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._stopped = True

    def rebuild(self) -> int:
        """Make the reminder jobs those the current data and clock call for (idempotent).

        A job already set for the same moment is kept, not replaced: APScheduler spends ~0.17 ms
        creating a job, so replacing all 5,000 of a 1,000-session programme held the loop up for
        about a second on every reload (bench/bench_users.py). Retries left by `fire` go.
        """
        now = self.clock.now()
        wanted: dict[str, tuple[ReminderJob, datetime, int]] = {}
        for job in reminder_jobs(self.conference(), now):
            delay = real_seconds_until(self.clock, job.due)
            if delay is None:
                continue  # a clock standing still never reaches it (tests fire jobs by hand)
            grace = max(1, int(job.lead_minutes * 60 / self.clock.speed))
            wanted[job.id] = (job, datetime.now(UTC) + timedelta(seconds=delay), grace)
        count = 0
        for existing in self.scheduler.get_jobs():
            if not existing.id.startswith(JOB_PREFIX):
                continue
            want = wanted.get(existing.id)
            if want is not None and _same_run(existing, want[1], want[2]):
                del wanted[existing.id]
                count += 1
            else:
                existing.remove()
        for job, run_at, grace in wanted.values():
            self.scheduler.add_job(
                self.fire,
                DateTrigger(run_date=run_at),
                args=[job.session_id, job.lead_minutes],
                id=job.id,
                replace_existing=True,
                misfire_grace_time=grace,
                coalesce=True,
                max_instances=1,
            )
            count += 1
        self.metrics.reminders_scheduled.set(count)
        logger.info("reminders: %d jobs scheduled (%d new)", count, len(wanted))
        return count

    async def fire(self, session_id: str, lead_minutes: int) -> FanOutResult:
        """Send this (session, lead) reminder to everyone who wants it and has not had it."""
        session = self.conference().session(session_id)
        now = self.clock.now()
        if session is None or session.start <= now:
            return FanOutResult(skipped=True)  # gone from the data, or already started
        people = await self.store.subscribers(session_id, lead_minutes, is_visit(session))
        reply = reminder_reply(self.conference(), session, now)
        result = await self.fanout.deliver(people, DeliveryKind.REMINDER, reminder_key(session), reply)
        if result.pending and self.scheduler.running:
            # Someone's claims are unfinished: another process still sending, or one that died.
            # Look again once they would be stale; the ledger keeps this from sending twice.
            retry_at = datetime.now(UTC) + self.fanout.stale_after + timedelta(seconds=1)
            self.scheduler.add_job(
                self.fire,
                DateTrigger(run_date=retry_at),
                args=[session_id, lead_minutes],
                id=f"{JOB_PREFIX}{session_id}:{lead_minutes}:retry",
                replace_existing=True,
                misfire_grace_time=None,
            )
        return result
