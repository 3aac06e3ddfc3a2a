"""One person's Messenger messages, delivered to two processes on one PostgreSQL, answered in order."""

from __future__ import annotations

import asyncio

import pytest

from bot.model import Conference
from bot.store.locks import PersonLocks
from bot.store.store import Store
from handlers.handled import HandledUpdates
from tests.fakes.graph_api import FakeGraphApi
from tests.handlers.messenger.conftest import ANNA, running_messenger, text


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
async def test_a_persons_next_message_at_another_process_waits_for_the_first_answer(
    store: Store, graph: FakeGraphApi, conference: Conference
) -> None:
    graph.delay = 0.2  # every call to Meta takes a while: the two answers would overlap
    url = store.engine.url.render_as_string(hide_password=False)
    locks = [PersonLocks(url), PersonLocks(url)]
    try:
        async with (
            running_messenger(graph, conference, store=store) as first,
            running_messenger(graph, conference, store=store) as second,
        ):
            for running, own in zip((first, second), locks, strict=True):
                running.messenger.handled = HandledUpdates(store)
                running.messenger.person_locks = own
            assert (await first.post(text(ANNA, "co jest teraz?"))).status_code == 200
            await asyncio.sleep(0.05)  # the second message comes a moment later, to the other process
            assert (await second.post(text(ANNA, "co dalej?"))).status_code == 200
            await graph.wait_for(lambda api: _pattern(api).count("T") == 2 and _pattern(api).endswith("M"))
            await asyncio.sleep(0.5)
    finally:
        for own in locks:
            await own.close()
    # Typing, the first answer, then typing and the second: never both "typing" before an answer.
    pattern = _pattern(graph)
    assert pattern.startswith("TM") and "TT" not in pattern and pattern.count("T") == 2, pattern


def _pattern(graph: FakeGraphApi) -> str:
    """The calls to Meta for Anna in order: T for the typing bubble, M for a message."""
    return "".join(
        "M" if call.message is not None else "T"
        for call in graph.calls_to("me/messages")
        if call.recipient == ANNA
    )
