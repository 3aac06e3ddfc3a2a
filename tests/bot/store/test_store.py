"""The store on SQLite and on a real PostgreSQL: the same behaviour on both."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.reminders import Scope
from bot.store import store as store_module
from bot.store.migrate import current_revision, head_revision
from bot.store.models import DeliveryKind, DeliveryStatus, UnansweredQuestion, User
from bot.store.store import STALE_CLAIM, Preferences, Store

T0 = datetime(2023, 11, 29, 14, 0, tzinfo=timezone(timedelta(hours=1)))


async def test_migrations_are_at_head_and_idempotent(store: Store) -> None:
    assert await current_revision(store.engine) == head_revision() == "0003"
    await store.migrate()  # a second start changes nothing
    assert await current_revision(store.engine) == "0003"


async def test_datetimes_come_back_aware_and_equal(store: Store) -> None:
    await store.touch("telegram", "1", T0)
    async with store.sessions() as db:
        user = (await db.scalars(select(User))).one()
    assert user.created_at.tzinfo is not None
    assert user.created_at == T0 and user.created_at.astimezone(UTC).hour == 13


async def test_touch_creates_once_and_writing_again_lifts_a_block(store: Store) -> None:
    first = await store.touch("telegram", "42", T0)
    again = await store.touch("telegram", "42", T0 + timedelta(minutes=1))
    assert first.id == again.id
    other_channel = await store.touch("messenger", "42", T0)
    assert other_channel.id != first.id
    await store.mark_blocked(first.id, T0)
    found = await store.find("telegram", "42")
    assert found is not None and found.blocked
    await store.touch("telegram", "42", T0 + timedelta(minutes=2))
    found = await store.find("telegram", "42")
    assert found is not None and not found.blocked


async def test_preferences_default_then_saved(store: Store) -> None:
    user = await store.touch("telegram", "7", T0)
    assert await store.preferences(user.id) == Preferences()
    wanted = Preferences(reminders=True, lead_minutes=10, visit_lead_minutes=60, scope=Scope.PLAN)
    await store.save_preferences(user.id, wanted, T0)
    assert await store.preferences(user.id) == wanted
    await store.save_preferences(user.id, Preferences(reminders=False), T0)
    assert not (await store.preferences(user.id)).reminders


async def test_subscribers_follow_lead_scope_plan_and_blocks(store: Store) -> None:
    everyone = await store.touch("telegram", "1", T0)
    planner = await store.touch("telegram", "2", T0)
    other_lead = await store.touch("telegram", "3", T0)
    off = await store.touch("telegram", "4", T0)
    blocked = await store.touch("telegram", "5", T0)
    await store.save_preferences(everyone.id, Preferences(True, 15, 30), T0)
    await store.save_preferences(planner.id, Preferences(True, 15, 30, Scope.PLAN), T0)
    await store.save_preferences(other_lead.id, Preferences(True, 5, 60), T0)
    await store.save_preferences(off.id, Preferences(False, 15, 30), T0)
    await store.save_preferences(blocked.id, Preferences(True, 15, 30), T0)
    await store.mark_blocked(blocked.id, T0)
    await store.add_to_plan(planner.id, "otwarcie", T0)

    assert [p.id for p in await store.subscribers("otwarcie", 15, visit=False)] == [everyone.id, planner.id]
    assert [p.id for p in await store.subscribers("obiad", 15, visit=False)] == [everyone.id]
    assert [p.id for p in await store.subscribers("wizyta", 30, visit=True)] == [everyone.id]
    assert [p.id for p in await store.subscribers("wizyta", 60, visit=True)] == [other_lead.id]
    assert await store.lead_times() == {(15, False), (5, False), (30, True), (60, True)}


async def test_plan_add_remove(store: Store) -> None:
    user = await store.touch("telegram", "1", T0)
    assert await store.add_to_plan(user.id, "a", T0)
    assert not await store.add_to_plan(user.id, "a", T0)  # already there
    await store.add_to_plan(user.id, "b", T0)
    assert await store.plan(user.id) == {"a", "b"}
    assert [p.id for p in await store.planned_by("a")] == [user.id]
    assert await store.remove_from_plan(user.id, "a")
    assert not await store.remove_from_plan(user.id, "a")
    assert await store.plan(user.id) == {"b"}


async def test_claims_go_to_exactly_one_of_concurrent_claimers(store: Store) -> None:
    people = [await store.touch("telegram", str(i), T0) for i in range(20)]
    results = await asyncio.gather(
        *(store.claim(people, DeliveryKind.REMINDER, "otwarcie:15", T0) for _ in range(4))
    )
    claimed = [c.person.id for result in results for c in result]
    assert sorted(claimed) == [p.id for p in people]  # each exactly once across the four


async def test_finished_claims_are_never_retaken_but_stale_ones_are(store: Store) -> None:
    people = [await store.touch("telegram", str(i), T0) for i in range(3)]
    claims = await store.claim(people, DeliveryKind.REMINDER, "k", T0)
    await store.finish(claims[0].delivery_id, DeliveryStatus.SENT, T0)
    await store.finish(claims[1].delivery_id, DeliveryStatus.FAILED, T0, "403")
    # claims[2] stays "claimed": its process died before sending.
    assert await store.claim(people, DeliveryKind.REMINDER, "k", T0 + timedelta(seconds=30)) == []
    later = T0 + STALE_CLAIM + timedelta(seconds=1)
    retaken = await store.claim(people, DeliveryKind.REMINDER, "k", later)
    assert [c.person.id for c in retaken] == [people[2].id]
    assert await store.claim(people, DeliveryKind.REMINDER, "k", later) == []  # taken again: not twice
    statuses = await store.deliveries(DeliveryKind.REMINDER, "k")
    assert statuses == {people[0].id: "sent", people[1].id: "failed", people[2].id: "claimed"}


async def test_forget_deletes_everything_about_a_user(store: Store) -> None:
    user = await store.touch("telegram", "9", T0)
    await store.save_preferences(user.id, Preferences(reminders=True), T0)
    await store.add_to_plan(user.id, "a", T0)
    await store.claim([user], DeliveryKind.REMINDER, "k", T0)
    assert await store.forget("telegram", "9")
    assert await store.find("telegram", "9") is None
    assert await store.plan(user.id) == set()
    assert await store.deliveries(DeliveryKind.REMINDER, "k") == {}
    assert not await store.forget("telegram", "9")


async def test_statistics(store: Store) -> None:
    a = await store.touch("telegram", "1", T0)
    b = await store.touch("telegram", "2", T0)
    await store.save_preferences(a.id, Preferences(reminders=True), T0)
    claims = await store.claim([a, b], DeliveryKind.REMINDER, "k", T0)
    await store.finish(claims[0].delivery_id, DeliveryStatus.SENT, T0)
    await store.finish(claims[1].delivery_id, DeliveryStatus.FAILED, T0)
    for question in ("Gdzie jest apteka?", "gdzie jest apteka?", "pogoda"):
        await store.record_unanswered(question, T0)
    stats = await store.statistics()
    assert (stats.users, stats.subscribers, stats.sent, stats.failed) == (2, 1, 1, 1)
    assert stats.unanswered[0] == ("gdzie jest apteka?", 2)


async def test_a_burst_of_writes_on_sqlite_queues_instead_of_failing(tmp_path: Path) -> None:
    """Hundreds of answers at once all write (seen, unanswered questions); SQLite has one writer.

    With SQLite's busy handler cut to 20 ms, unqueued writers fail with "database is locked";
    the store queues its own writers, so none fails.
    """
    from sqlalchemy import event

    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'burst.db'}")

    def short_busy_timeout(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout=20")
        cursor.close()

    event.listen(store.engine.sync_engine, "connect", short_busy_timeout)
    assert store._worker is not None  # first contacts are written on its engine: the same there
    event.listen(store._worker.engine, "connect", short_busy_timeout)
    await store.migrate()
    try:
        now = datetime.now(UTC)
        writes = [store.touch("messenger", str(i), now) for i in range(300)]
        writes += [store.record_unanswered(f"pytanie {i}", now) for i in range(300)]
        await asyncio.gather(*writes)
        stats = await store.statistics()
        assert stats.users == 300 and sum(count for _, count in stats.unanswered) == 10  # top 10 shown
    finally:
        await store.close()


# Bookkeeping behind the answers, and what the store remembers ---------------------------------


async def _last_seen(store: Store, chat_id: str) -> datetime | None:
    async with store.sessions() as db:
        return await db.scalar(select(User.last_seen_at).where(User.chat_id == chat_id))


async def test_a_first_contact_is_written_at_once_later_stamps_behind_the_answer(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.seen("telegram", "5", T0)
    assert await _last_seen(store, "5") == T0  # the person exists from the first message
    await store.seen("telegram", "5", T0 + timedelta(seconds=10))
    monkeypatch.setattr(store_module, "SEEN_INTERVAL", 0.0)
    await store.seen("telegram", "5", T0 + timedelta(minutes=2))
    assert await _last_seen(store, "5") == T0  # within the minute: not even waiting; then waiting
    found = await store.find("telegram", "5")  # reads flush what waits first
    assert found is not None and found.last_seen == T0 + timedelta(minutes=2)


async def test_waiting_bookkeeping_is_written_by_itself_and_at_close(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    store = Store.open(url)
    await store.migrate()
    store._pending.delay = 0.05
    store.note_unanswered("gdzie jest szatnia", T0)
    await asyncio.sleep(0.5)
    async with store.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(UnansweredQuestion)) == 1
    store._pending.delay = 60  # not by itself any more: only the close writes it
    store.note_unanswered("gdzie jest szatnia", T0)
    await store.close()
    reopened = Store.open(url)
    try:
        assert (await reopened.statistics()).unanswered == [("gdzie jest szatnia", 2)]
    finally:
        await reopened.close()


async def test_a_stamp_in_waiting_never_brings_back_a_forgotten_person(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "SEEN_INTERVAL", 0.0)
    await store.seen("messenger", "9", T0)
    await store.seen("messenger", "9", T0 + timedelta(minutes=1))  # waiting
    other = Store.open(store.engine.url.render_as_string(hide_password=False))
    try:
        assert await other.forget("messenger", "9")  # forgotten through another process
    finally:
        await other.close()
    await store.flush()
    assert await store.find("messenger", "9") is None


async def test_the_plan_button_reads_the_plan_as_it_is(store: Store) -> None:
    person = await store.person("telegram", "3", T0)
    assert not await store.in_plan("telegram", "3", "s1", T0)
    await store.add_to_plan(person.id, "s1", T0)
    assert await store.in_plan("telegram", "3", "s1", T0)
    await store.remove_from_plan(person.id, "s1")
    assert not await store.in_plan("telegram", "3", "s1", T0)
    assert not await store.in_plan("telegram", "4", "s1", T0)  # nobody's plan


async def test_a_forgotten_persons_plan_is_not_remembered_for_the_next_one(store: Store) -> None:
    """SQLite may give a deleted user's id to the next new one: the plan must not come with it."""
    first = await store.person("telegram", "1", T0)
    await store.add_to_plan(first.id, "s1", T0)
    assert await store.plan(first.id) == {"s1"}
    await store.forget("telegram", "1")
    second = await store.person("telegram", "2", T0)
    assert await store.plan(second.id) == set()
    assert not await store.in_plan("telegram", "2", "s1", T0)


async def test_on_postgresql_every_process_reads_a_plan_changed_by_another(postgres_url: str) -> None:
    first, second = Store.open(postgres_url), Store.open(postgres_url)
    await first.migrate()
    try:
        person = await second.person("telegram", "77", T0)
        assert not await second.in_plan("telegram", "77", "s9", T0)
        await first.add_to_plan(person.id, "s9", T0)
        assert await second.in_plan("telegram", "77", "s9", T0)  # at once, no cache to go stale
        await first.forget("telegram", "77")
        again = await second.person("telegram", "77", T0)
        assert again.id != person.id and not await second.in_plan("telegram", "77", "s9", T0)
        assert await first.claim_update("telegram", "u1", T0)
        assert not await second.claim_update("telegram", "u1", T0)
    finally:
        async with first.engine.begin() as connection:
            await connection.execute(text("TRUNCATE users, handled_updates RESTART IDENTITY CASCADE"))
        await first.close()
        await second.close()


async def test_a_new_person_costs_no_reads_of_plan_or_settings_on_sqlite(tmp_path: Path) -> None:
    """Every first message at an event's start creates a person: their empty plan and default
    settings are known without asking; a returning person's are read once, then remembered."""
    from sqlalchemy import event

    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    store = Store.open(url)
    await store.migrate()
    statements: list[str] = []
    event.listen(store.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        await store.seen("telegram", "1", T0)
        person = await store.person("telegram", "1", T0)
        before = len(statements)
        assert not await store.in_plan("telegram", "1", "s1", T0)
        assert await store.preferences(person.id) == Preferences()
        assert len(statements) == before  # nothing asked
        await store.add_to_plan(person.id, "s1", T0)
        await store.touch("telegram", "1", T0)  # the same moment again: still not a new person
        assert await store.in_plan("telegram", "1", "s1", T0)
    finally:
        await store.close()
    again = Store.open(url)  # a restart: a returning person
    try:
        assert await again.in_plan("telegram", "1", "s1", T0)
        await again.save_preferences(person.id, Preferences(reminders=True), T0)
        assert (await again.preferences(person.id)).reminders
    finally:
        await again.close()


async def test_writing_again_after_a_block_lifts_it_with_the_next_stamp(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "SEEN_INTERVAL", 0.0)
    await store.seen("telegram", "8", T0)
    person = await store.person("telegram", "8", T0)
    await store.mark_blocked(person.id, T0 + timedelta(minutes=1))
    found = await store.find("telegram", "8")
    assert found is not None and found.blocked
    await store.seen("telegram", "8", T0 + timedelta(minutes=2))
    found = await store.find("telegram", "8")
    assert found is not None and not found.blocked
