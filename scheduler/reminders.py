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
        """Replace every reminder job with those the current data and clock call for (idempotent)."""
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX):
                job.remove()
        now = self.clock.now()
        count = 0
        for job in reminder_jobs(self.conference(), now):
            delay = real_seconds_until(self.clock, job.due)
            if delay is None:
                continue  # a clock standing still never reaches it (tests fire jobs by hand)
            grace = max(1, int(job.lead_minutes * 60 / self.clock.speed))
            run_at = datetime.now(UTC) + timedelta(seconds=delay)
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
        logger.info("reminders: %d jobs scheduled", count)
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
