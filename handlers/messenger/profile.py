"""`python -m bot messenger-setup`: the Get Started button, the greeting and the persistent menu.

Set once per page through the Messenger Profile API (and again after changing them); the
texts come from the event's data and bot/texts.py, never from code about one event.
"""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.model import Conference
from bot.polish import short_label
from handlers.messenger.graph import GraphApi
from handlers.messenger.payloads import command

GREETING_LIMIT = 160  # characters Messenger shows before the first message
MENU_TITLE_LIMIT = 30
# (title, command), in menu order; every command is one the channel answers. None: the event's
# travel kinds name it ("Wizyty studyjne"), and an event without them has no such item.
MENU: tuple[tuple[str | None, str], ...] = (
    ("Co jest teraz?", "teraz"),
    ("Co dalej?", "dalej"),
    ("Program", "program"),
    (None, "wizyty"),
    ("Dojazd", "dojazd"),
    ("Mój plan", "plan"),
    ("Przypomnienia", "przypomnienia"),
    ("Kontakt", "kontakt"),
    ("Pomoc", "pomoc"),
)


def greeting(conference: Conference) -> str:
    text = texts.messenger_greeting(conference)
    return text if len(text) <= GREETING_LIMIT else text[: GREETING_LIMIT - 1].rstrip() + "…"


def menu(conference: Conference) -> list[tuple[str, str]]:
    """The persistent menu's (title, command) for this event."""
    items = []
    for title, name in MENU:
        text = title or texts.travel_title(conference)
        if text:
            items.append((_cut(text), name))
    return items


def _cut(title: str) -> str:
    """A menu title within Meta's limit, cut at a word."""
    return short_label(title, MENU_TITLE_LIMIT)


def profile(conference: Conference) -> dict[str, Any]:
    """The profile body: Get Started runs /start; the menu runs the commands above."""
    return {
        "get_started": {"payload": command("start")},
        "greeting": [{"locale": "default", "text": greeting(conference)}],
        "persistent_menu": [
            {
                "locale": "default",
                "composer_input_disabled": False,
                "call_to_actions": [
                    {"type": "postback", "title": title, "payload": command(name)}
                    for title, name in menu(conference)
                ],
            }
        ],
    }


async def set_up(api: GraphApi, conference: Conference) -> None:
    """Send the profile; a `GraphError` says why Meta refused it."""
    try:
        await api.set_profile(profile(conference))
    finally:
        await api.stop()
