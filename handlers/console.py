"""The console channel: chat with the assistant in a terminal, no token and no network."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bot import texts
from bot.assistant import Assistant
from bot.reply import Reply, render_plain

PROMPT = "ty> "
HISTORY_LENGTH = 1000  # questions kept between chats
EXIT_WORDS = frozenset({"/koniec", "/exit", "/quit", "koniec", "exit", "quit"})


def render(reply: Reply) -> str:
    """Reply as console text: the answer, a map pin line, numbered follow-ups."""
    parts = [render_plain(reply)]
    if reply.location is not None:
        loc = reply.location
        note = " (przybliżona)" if loc.approximate else ""
        parts.append(f"📍 {loc.title}: {loc.latitude:.5f}, {loc.longitude:.5f}{note}")
    if reply.suggestions:
        parts.append(
            "Możesz zapytać: " + " | ".join(f"[{i}] {s.label}" for i, s in enumerate(reply.suggestions, 1))
        )
    return "\n".join(parts)


def history_file() -> Path:
    """Where typed questions are kept between chats: the XDG state folder, as shells do."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "asystent" / "historia"


@contextlib.contextmanager
def line_editing(history: Path | None) -> Iterator[None]:
    """The standard library's readline under input(): arrows, editing, and history (↑/↓, Ctrl+R).

    Without it the up arrow types "^[[A". History is best-effort: an unreadable or unwritable
    file only means no history, never a failed chat.
    """
    try:
        import readline
    except ImportError:  # a Python built without readline: plain input()
        yield
        return
    readline.set_history_length(HISTORY_LENGTH)
    if history is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
    try:
        yield
    finally:
        if history is not None:
            with contextlib.suppress(OSError):
                history.parent.mkdir(parents=True, exist_ok=True)
                readline.write_history_file(history)


def prompt_lines(prompt: str = PROMPT, history: Path | None = None) -> Iterator[str]:
    """Lines typed at an interactive prompt, with line editing and history, until Ctrl+D."""
    with line_editing(history):
        while True:
            try:
                yield input(prompt)
            except EOFError:
                return


def run_console(assistant: Assistant, lines: Iterable[str], write: Callable[[str], None]) -> None:
    """Answer questions line by line until the input ends or an exit word; a number picks a follow-up."""
    write(texts.console_welcome(assistant.conference))
    last: Reply | None = None
    for line in lines:
        question = line.strip()
        if question.lower() in EXIT_WORDS:
            break
        if last is not None and question.isdecimal() and 1 <= int(question) <= len(last.suggestions):
            question = last.suggestions[int(question) - 1].question
        answer = assistant.ask(question)
        last = answer.reply
        write("bot> " + render(answer.reply).replace("\n", "\n     "))
    write(texts.farewell(assistant.conference))
