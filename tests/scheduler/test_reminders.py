"""Reminder jobs and their fan-out, on SQLite and a real PostgreSQL, with a recording channel."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.clock import FixedClock, SimulatedClock, parse_now
from bot.model import Conference
from bot.reminders import LEAD_TIMES, Scope
from bot.reply import Reply
from bot.store.models import DeliveryKind
from bot.store.store import Person, Preferences, Store
from scheduler.fanout import FLOOD_ROUNDS
from scheduler.limiter import RateLimiter
from scheduler.notifier import FloodWait, Outcome, Unreachable
from scheduler.reminders import Reminders, reminder_jobs, reminder_key
from tests.bot.test_metrics import sample

VISIT = "wizyta-na-kozlowce"  # 15:00 on day 1
OPENING = "otwarcie"  # day 2, at the venue


@dataclass
class Recorder:
    """A channel that records what it was asked to send; some chats can be made to block."""

    sent: list[tuple[str, Reply]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)

    async def send(self, person: Person, reply: Reply) -> Outcome:
        if person.chat_id in self.blocked:
            return Outcome.BLOCKED
        self.sent.append((person.chat_id, reply))
        return Outcome.SENT

    def chats(self) -> list[str]:
        return sorted(chat for chat, _ in self.sent)


def fast_limiter() -> RateLimiter:
    return RateLimiter(rate=100_000, per_chat=0)


def test_one_job_per_session_and_lead_not_per_user(conference: Conference) -> None:
    now = parse_now("2023-11-29 14:00", conference.tz)
    jobs = reminder_jobs(conference, now)
    reminded = [s for s in conference.sessions if s.kind.id != "break" and s.start > now]
    assert len(jobs) == len(reminded) * len(LEAD_TIMES)
    assert len({j.id for j in jobs}) == len(jobs)
    assert not any(j.session_id == "przerwa-kawowa" for j in jobs)
    noon = parse_now("2023-11-30 12:00", conference.tz)
    later = reminder_jobs(conference, noon)
    assert later and all(conference.session(j.session_id).start > noon for j in later)  # type: ignore[union-attr]


async def test_fire_sends_to_matching_subscribers_once(store: Store, conference: Conference) -> None:
    clock = FixedClock(parse_now("2023-11-29 14:30", conference.tz))
    recorder = Recorder()
    reminders = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    t = clock.now()
    wants_30 = await store.touch("telegram", "1", t)
    wants_60 = await store.touch("telegram", "2", t)
    plan_only = await store.touch("telegram", "3", t)
    plan_other = await store.touch("telegram", "4", t)
    await store.save_preferences(wants_30.id, Preferences(True, 15, 30), t)
    await store.save_preferences(wants_60.id, Preferences(True, 60, 60), t)
    await store.save_preferences(plan_only.id, Preferences(True, 10, 30, Scope.PLAN), t)
    await store.save_preferences(plan_other.id, Preferences(True, 10, 30, Scope.PLAN), t)
    await store.add_to_plan(plan_only.id, VISIT, t)
    await store.add_to_plan(plan_other.id, "wizyta-cim", t)

    result = await reminders.fire(VISIT, 30)  # visits use the visit lead
    assert result.sent == 2 and recorder.chats() == ["1", "3"]
    text = recorder.sent[0][1].plain_text
    assert text.startswith("⏰ Za 30 minut, o 15:00:") and "Na Kozłówce" in text
    assert [s.label for s in recorder.sent[0][1].suggestions] == ["Szczegóły", "Wyłącz przypomnienia"]

    again = await reminders.fire(VISIT, 30)
    assert again.sent == 0 and len(recorder.sent) == 2  # the ledger: never twice
    assert (await reminders.fire(VISIT, 60)).sent == 1  # the 60-minute subscriber's own job
    statuses = await store.deliveries(DeliveryKind.REMINDER, reminder_key(conference.session(VISIT)))  # type: ignore[arg-type]
    assert set(statuses.values()) == {"sent"} and len(statuses) == 3


async def test_blocked_users_are_marked_and_skipped_afterwards(store: Store, conference: Conference) -> None:
    clock = FixedClock(parse_now("2023-11-29 14:40", conference.tz))
    recorder = Recorder(blocked={"2"})
    reminders = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    for chat in ("1", "2"):
        person = await store.touch("telegram", chat, clock.now())
        await store.save_preferences(person.id, Preferences(True, 15, 15), clock.now())
    result = await reminders.fire(VISIT, 15)
    assert (result.sent, result.blocked) == (1, 1)
    found = await store.find("telegram", "2")
    assert found is not None and found.blocked
    assert [p.chat_id for p in await store.subscribers("wizyta-cim", 15, visit=True)] == ["1"]


async def test_no_reminder_once_the_session_has_started(store: Store, conference: Conference) -> None:
    clock = FixedClock(parse_now("2023-11-29 15:00", conference.tz))
    recorder = Recorder()
    reminders = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    person = await store.touch("telegram", "1", clock.now())
    await store.save_preferences(person.id, Preferences(True, 15, 15), clock.now())
    assert (await reminders.fire(VISIT, 15)).skipped
    assert recorder.sent == []


async def test_two_processes_firing_together_send_each_reminder_once(
    store: Store, conference: Conference
) -> None:
    clock = FixedClock(parse_now("2023-11-29 14:45", conference.tz))
    recorder = Recorder()
    people = []
    for i in range(50):
        person = await store.touch("telegram", str(i), clock.now())
        await store.save_preferences(person.id, Preferences(True, 15, 15), clock.now())
        people.append(person)
    first = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    second = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    results = await asyncio.gather(first.fire(VISIT, 15), second.fire(VISIT, 15))
    assert sum(r.sent for r in results) == 50
    assert recorder.chats() == sorted(str(i) for i in range(50))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2023-11-29 14:50", {"wizyta-nad-potokiem", "wizyta-na-kozlowce", "wizyta-cak-skawina"}),
        ("2023-11-29 15:05", set()),  # the 15:00 visits have started: nothing late
    ],
)
async def test_after_downtime_late_reminders_go_only_before_the_start(
    store: Store, conference: Conference, now: str, expected: set[str]
) -> None:
    """Restart at `now`, after being down when the 15-minute reminders were due (14:45)."""
    clock = SimulatedClock(parse_now(now, conference.tz))
    recorder = Recorder()
    reminders = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    person = await store.touch("telegram", "1", clock.now())
    await store.save_preferences(person.id, Preferences(True, 15, 15), clock.now())
    reminders.scheduler.start()
    try:
        reminders.rebuild()
        await asyncio.sleep(0.5)
        sessions = {line for _chat, reply in recorder.sent for line in [reply.suggestions[0].question]}
        titles = {conference.session(s).title for s in expected}  # type: ignore[union-attr]
        assert sessions == titles
    finally:
        reminders.scheduler.shutdown(wait=False)


async def test_rehearsal_clock_fires_reminders_by_the_simulated_time(
    store: Store, conference: Conference
) -> None:
    """At 60x, the 15-minute reminders due at 14:45 fire about 2 real seconds after 14:43."""
    clock = SimulatedClock(parse_now("2023-11-29 14:43", conference.tz), speed=60)
    recorder = Recorder()
    reminders = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    person = await store.touch("telegram", "1", clock.now())
    await store.save_preferences(person.id, Preferences(True, 15, 15), clock.now())
    reminders.scheduler.start()
    try:
        jobs = reminders.rebuild()
        await asyncio.sleep(0.8)
        assert recorder.sent == []  # 14:43:48 by the conference clock: not yet
        for _ in range(60):
            if len(recorder.sent) >= 3:
                break
            await asyncio.sleep(0.1)
        assert len(recorder.sent) == 3  # the three 15:00 visits
        assert (
            "Za 15 minut" in recorder.sent[0][1].plain_text or "Za 14 minut" in recorder.sent[0][1].plain_text
        )
        # Deliveries are counted when their outcomes reach the ledger, a moment after the sends.
        for _ in range(50):
            metrics = reminders.metrics.exposition()
            if sample(metrics, "eventbot_deliveries_total", kind="reminder", outcome="sent") >= 3:
                break
            await asyncio.sleep(0.05)
        assert sample(metrics, "eventbot_reminders_scheduled") == jobs > 0
        assert sample(metrics, "eventbot_deliveries_total", kind="reminder", outcome="sent") == 3
        assert sample(metrics, "eventbot_fanout_backlog") == 0
    finally:
        reminders.scheduler.shutdown(wait=False)


def test_limiter_spaces_sends_overall_and_per_chat() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=30, per_chat=1.0, monotonic=lambda: now[0], burst=0)
    delays = [limiter._reserve(f"chat{i}") for i in range(60)]
    assert delays[0] == 0 and delays[-1] == pytest.approx(59 / 30)
    assert limiter._reserve("chat0") == pytest.approx(max(60 / 30, 1.0))
    now[0] = 10.0
    assert limiter._reserve("chat5") == 0  # long after: no wait


def test_limiter_lets_a_late_sender_catch_up_only_a_little() -> None:
    """After a stall, at most `burst` seconds' worth of sends go at once; then the rate again."""
    now = [0.0]
    limiter = RateLimiter(rate=1000, per_chat=0, monotonic=lambda: now[0], burst=0.05)
    assert [limiter._reserve(f"c{i}") for i in range(10)] == pytest.approx([0.0] * 10)
    now[0] = 1.0  # a one-second stall (a long database write, say)
    delays = [limiter._reserve(f"d{i}") for i in range(200)]
    immediate = sum(1 for d in delays if d == 0)
    assert 50 <= immediate <= 51  # the burst, not the whole second that was lost
    assert delays[-1] == pytest.approx(200 / 1000 - 0.05, abs=0.002)
    # Over any window the count stays within rate x window + burst.
    slots = sorted(1.0 + d for d in delays)
    assert all(slots[i + 100] - slots[i] >= 0.1 - 0.05 - 1e-9 for i in range(len(slots) - 100))


def test_fast_limiter_helper_is_unlimited() -> None:
    assert fast_limiter()._reserve("x") == 0


def visit_moved_by_half_an_hour() -> Conference:
    """The shipped data with the Kozłówka visit at 15:30 instead of 15:00."""
    from bot.loading import parse_conference
    from tests.conftest import DATA

    text = DATA.read_text(encoding="utf-8")
    at = text.index("id: wizyta-na-kozlowce")
    return parse_conference(
        text[:at]
        + text[at:].replace('start: "15:00"', 'start: "15:30"', 1).replace('end: "16:30"', 'end: "17:00"', 1)
    )


async def test_a_session_moved_to_another_time_is_reminded_again(
    store: Store, conference: Conference
) -> None:
    moved = visit_moved_by_half_an_hour()
    clock = FixedClock(parse_now("2023-11-29 14:45", conference.tz))
    recorder = Recorder()
    current = [conference]
    reminders = Reminders(store, recorder, lambda: current[0], clock, fast_limiter())
    person = await store.touch("telegram", "1", clock.now())
    await store.save_preferences(person.id, Preferences(True, 15, 15), clock.now())
    assert (await reminders.fire(VISIT, 15)).sent == 1
    assert (await reminders.fire(VISIT, 15)).sent == 0
    current[0] = moved  # the organisers moved it by half an hour after the reminder went out
    clock.moment = parse_now("2023-11-29 15:15", conference.tz)
    assert (await reminders.fire(VISIT, 15)).sent == 1
    assert "o 15:30" in recorder.sent[-1][1].plain_text


async def test_a_reload_keeps_unchanged_jobs_and_moves_only_the_changed_ones(
    store: Store, conference: Conference
) -> None:
    """Replacing every job cost ~1 s of blocked loop per reload with 5,000 jobs (bench/bench_users.py)."""
    moved = visit_moved_by_half_an_hour()
    current = [conference]
    clock = SimulatedClock(parse_now("2023-11-29 12:00", conference.tz))
    reminders = Reminders(store, Recorder(), lambda: current[0], clock, fast_limiter())
    reminders.scheduler.start(paused=True)
    try:
        count = reminders.rebuild()
        before = {job.id: job for job in reminders.scheduler.get_jobs()}
        reminders.scheduler.add_job(reminders.fire, "date", args=[VISIT, 15], id=f"reminder:{VISIT}:15:retry")
        assert reminders.rebuild() == count
        kept = {job.id: job for job in reminders.scheduler.get_jobs()}
        assert kept.keys() == before.keys()  # the retry went, as before
        assert all(kept[i] is before[i] for i in before)  # the same jobs, not new ones

        current[0] = moved
        assert reminders.rebuild() == count
        after = {job.id: job for job in reminders.scheduler.get_jobs()}
        changed = {i for i in before if after[i] is not before[i]}
        assert changed == {f"reminder:{VISIT}:{lead}" for lead in LEAD_TIMES}
        shift = after[f"reminder:{VISIT}:15"].next_run_time - before[f"reminder:{VISIT}:15"].next_run_time
        assert abs(shift.total_seconds() - 1800) < 1
    finally:
        reminders.scheduler.shutdown(wait=False)


@dataclass
class Flooding:
    """A channel that answers the first try for some chats with a flood wait (Telegram's 429)."""

    flooded: set[str]
    wait: float
    sent: dict[str, float] = field(default_factory=dict)
    tries: Counter[str] = field(default_factory=Counter)

    async def send(self, person: Person, reply: Reply) -> Outcome:
        self.tries[person.chat_id] += 1
        if person.chat_id in self.flooded and self.tries[person.chat_id] == 1:
            raise FloodWait(self.wait)
        self.sent[person.chat_id] = time.monotonic()
        return Outcome.SENT


async def test_flood_waits_do_not_hold_up_everyone_else(store: Store, conference: Conference) -> None:
    """40 people's first try is refused with a 0.5 s wait: the other 60 go meanwhile, then the 40."""
    t = parse_now("2023-11-29 14:30", conference.tz)
    people = [await store.touch("telegram", str(1000 + i), t) for i in range(100)]
    for person in people:
        await store.save_preferences(person.id, Preferences(True, 15, 30), t)
    channel = Flooding({str(1000 + i) for i in range(40)}, wait=0.5)
    reminders = Reminders(store, channel, lambda: conference, FixedClock(t), fast_limiter())
    started = time.monotonic()
    result = await reminders.fire(VISIT, 30)
    assert result.sent == 100 and len(channel.sent) == 100
    others = [at - started for chat, at in channel.sent.items() if chat not in channel.flooded]
    assert max(others) < 0.45  # none of them waited behind the flooded ones
    flooded = [at - started for chat, at in channel.sent.items() if chat in channel.flooded]
    assert min(flooded) >= 0.5 and all(channel.tries[c] == 2 for c in channel.flooded)


@dataclass
class Away:
    """A channel whose platform is unreachable for everyone's first `tries` attempts."""

    tries: int
    attempts: Counter[str] = field(default_factory=Counter)
    sent: list[str] = field(default_factory=list)

    async def send(self, person: Person, reply: Reply) -> Outcome:
        self.attempts[person.chat_id] += 1
        if self.attempts[person.chat_id] <= self.tries:
            raise Unreachable("Telegram", 0.05)
        self.sent.append(person.chat_id)
        return Outcome.SENT


async def test_an_outage_mid_fan_out_delays_reminders_instead_of_losing_them(
    store: Store, conference: Conference, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram away for a while: every reminder goes once it is back, said in one log line."""
    t = parse_now("2023-11-29 14:30", conference.tz)
    people = [await store.touch("telegram", str(3000 + i), t) for i in range(30)]
    for person in people:
        await store.save_preferences(person.id, Preferences(True, 15, 30), t)
    channel = Away(tries=3)
    reminders = Reminders(store, channel, lambda: conference, FixedClock(t), fast_limiter())
    with caplog.at_level(logging.INFO):
        result = await reminders.fire(VISIT, 30)
    assert result.sent == 30 and result.failed == 0 and sorted(channel.sent) == sorted(set(channel.sent))
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "Telegram unreachable" in warnings[0].getMessage()


async def test_an_outage_longer_than_the_retries_fails_the_message(
    store: Store, conference: Conference
) -> None:
    t = parse_now("2023-11-29 14:30", conference.tz)
    person = await store.touch("telegram", "4000", t)
    await store.save_preferences(person.id, Preferences(True, 15, 30), t)
    channel = Away(tries=FLOOD_ROUNDS)
    reminders = Reminders(store, channel, lambda: conference, FixedClock(t), fast_limiter())
    result = await reminders.fire(VISIT, 30)
    assert result.failed == 1 and channel.attempts["4000"] == FLOOD_ROUNDS
