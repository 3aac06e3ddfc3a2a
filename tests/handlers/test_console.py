from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

from bot.assistant import Assistant
from bot.clock import FixedClock
from handlers.console import render, run_console
from tests.conftest import ROOT


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


def test_the_terminal_chat_has_line_editing_and_history(tmp_path: Path) -> None:
    """In a real terminal (a pty), ↑ recalls the last question instead of typing "^[[A"."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the chat on the pty, history kept under tmp_path
        os.environ.update(XDG_STATE_HOME=str(tmp_path), PYTHONPATH=str(ROOT), TERM="xterm")
        os.chdir(tmp_path)
        os.execv(sys.executable, [sys.executable, "-m", "bot", "chat", "--now", "2023-11-29 15:10"])
    output = _converse(fd, ["co dalej?\r", "\x1b[A\r", "/koniec\r"])
    os.waitpid(pid, 0)
    assert "^[[A" not in output
    typed, recalled = output.split("<<typed>>")[1:3]
    assert "co dalej?" in recalled  # readline showed the recalled question again, and the same answer:
    assert recalled.count("bot> ") == 1 and typed.split("bot> ")[1][:40] == recalled.split("bot> ")[1][:40]
    history = (tmp_path / "asystent" / "historia").read_text(encoding="utf-8")
    assert "co dalej?" in history


def _converse(fd: int, keys: list[str]) -> str:
    """Type each key sequence after the prompt appears; everything the terminal showed."""
    shown = b""
    for key in [*keys, None]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the child closed the terminal
                    return shown.decode("utf-8", "replace")
                if not chunk:
                    return shown.decode("utf-8", "replace")
                shown += chunk
                if key is not None and shown.rstrip().endswith(b"ty>"):
                    break
        if key is not None:
            shown += b"\n<<typed>>\n"
            os.write(fd, key.encode())
    return shown.decode("utf-8", "replace")
