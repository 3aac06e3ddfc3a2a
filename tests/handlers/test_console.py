from __future__ import annotations

from bot.assistant import Assistant
from bot.clock import FixedClock
from handlers.console import render, run_console


def test_console_answers_and_follows_numbered_suggestions(
    shared_assistant: tuple[Assistant, FixedClock],
) -> None:
    assistant, _clock = shared_assistant
    written: list[str] = []
    run_console(assistant, iter(["jakie są wizyty studyjne?", "1", "/koniec", "co teraz"]), written.append)
    assert written[0].startswith("Asystent konferencji „Miejsca Otwarte”")
    assert "Wizyty studyjne" in written[1]
    # "1" asked the first suggested visit, whose details include its time.
    assert "Kiedy:" in written[2] and "15:00–16:30" in written[2]
    assert written[-1] == "Do zobaczenia na konferencji!"
    assert len(written) == 4  # nothing answered after /koniec


def test_render_shows_location_and_suggestions(shared_assistant: tuple[Assistant, FixedClock]) -> None:
    assistant, _clock = shared_assistant
    text = render(assistant.ask("jak dojechać?").reply)
    assert "📍" in text and "(przybliżona)" in text
    assert "[1]" in text
