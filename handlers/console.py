"""The console channel: chat with the assistant in a terminal, no token and no network."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from bot.assistant import Assistant
from bot.reply import Reply, render_plain

PROMPT = "ty> "
EXIT_WORDS = frozenset({"/koniec", "/exit", "/quit", "koniec", "exit", "quit"})
WELCOME = (
    "Asystent konferencji {name} — czat w konsoli. Pisz pytania po polsku; "
    "„/koniec” albo Ctrl+D kończy rozmowę."
)


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


def prompt_lines(prompt: str = PROMPT) -> Iterator[str]:
    """Lines typed at an interactive prompt, until Ctrl+D."""
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return


def run_console(assistant: Assistant, lines: Iterable[str], write: Callable[[str], None]) -> None:
    """Answer questions line by line until the input ends or an exit word; a number picks a follow-up."""
    write(WELCOME.format(name=f"„{assistant.conference.event.label}”"))
    last: Reply | None = None
    for line in lines:
        question = line.strip()
        if question.lower() in EXIT_WORDS:
            break
        if last is not None and question.isdigit() and 1 <= int(question) <= len(last.suggestions):
            question = last.suggestions[int(question) - 1].question
        answer = assistant.ask(question)
        last = answer.reply
        write("bot> " + render(answer.reply).replace("\n", "\n     "))
    write("Do zobaczenia na konferencji!")
