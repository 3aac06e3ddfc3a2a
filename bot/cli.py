"""`python -m bot …`: chat, ask, run, export, check-data. Thin over the core and the channels."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from bot import formats
from bot.assistant import Assistant
from bot.clock import ClockError, make_clock
from bot.config import ConfigError, Settings, load_settings
from bot.document import Document
from bot.ics import programme_ics
from bot.loading import DataError, conference_from
from bot.logs import configure_logging
from bot.model import Conference
from bot.polish import counted, format_date, plural
from bot.reply import render_plain

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"błąd: {message}\n")


class _Choices:
    """Argument choices found only when asked: the format modules load when a format is named."""

    def __init__(self, names: Callable[[], list[str]]) -> None:
        self._names = names

    def __contains__(self, value: object) -> bool:
        return value in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


def _export_formats() -> list[str]:
    from bot.formats import exporters  # frab XML, c3voc JSON, and whatever else bot/formats writes

    return ["ics", *exporters()]


def _import_formats() -> list[str]:
    from bot.formats import formats

    return [f.name for f in formats()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="Asystent wydarzenia — narzędzia.")
    common = _Parser(add_help=False)
    common.add_argument("--data", type=Path, help="plik z danymi wydarzenia (domyślnie BOT_DATA)")
    common.add_argument("--now", help='symulowany czas startu "RRRR-MM-DD GG:MM" (domyślnie BOT_NOW)')
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("chat", parents=[common], help="czat w konsoli")
    ask = commands.add_parser("ask", parents=[common], help="jedno pytanie albo pytania ze stdin (JSON)")
    ask.add_argument("question", nargs="?", help="pytanie; bez niego: jedno pytanie w wierszu ze stdin")
    export = commands.add_parser("export", parents=[common], help="eksport programu")
    export.add_argument(
        "--format",
        choices=_Choices(_export_formats),
        default="ics",
        metavar="FORMAT",
        help="ics (iCalendar), frab-xml (frab schedule.xml), json (c3voc schedule.json)…",
    )
    export.add_argument("--output", "-o", type=Path, help="plik wynikowy (domyślnie stdout)")
    programme = commands.add_parser(
        "import", help="program z frab, pretalx, Sessionize, iCalendar, CSV/XLSX jako plik YAML z danymi"
    )
    programme.add_argument("source", type=Path, help="plik z programem (schedule.xml, schedule.json…)")
    programme.add_argument("--output", "-o", type=Path, help="plik YAML do zapisania (domyślnie stdout)")
    programme.add_argument(
        "--timezone", help="strefa czasowa wydarzenia, np. Europe/Warsaw, gdy plik jej nie podaje"
    )
    programme.add_argument(
        "--format",
        choices=_Choices(_import_formats),
        metavar="FORMAT",
        help="format pliku (domyślnie rozpoznany)",
    )
    commands.add_parser("run", parents=[common], help="uruchom bota (Telegram i/lub Messenger)")
    commands.add_parser(
        "messenger-setup",
        parents=[common],
        help="ustaw w Messengerze przycisk „Rozpocznij”, powitanie i menu",
    )
    database = commands.add_parser("db", help="baza danych (DATABASE_URL)")
    database.add_argument(
        "action", choices=["upgrade", "current"], help="upgrade: migracje do najnowszej wersji"
    )
    check = commands.add_parser("check-data", parents=[common], help="sprawdź plik z danymi")
    check.add_argument("path", nargs="?", type=Path, help="plik do sprawdzenia")
    return parser


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def _summary(conference: Conference, path: Path) -> str:
    event = conference.event
    lines = [
        f"OK: {path}",
        f"  {event.name} ({event.id})",
        f"  {format_date(event.start_date)} – {format_date(event.end_date)}, strefa {event.timezone}",
    ]
    for day in conference.days:
        provisional = sum(s.provisional for s in day.sessions)
        shaky = plural(provisional, "orientacyjny", "orientacyjne", "orientacyjnych")
        note = f", {provisional} {shaky}" if provisional else ""
        points = counted(len(day.sessions), "punkt", "punkty", "punktów")
        lines.append(f"  dzień {day.index + 1}: {format_date(day.date)} — {points}{note}")
    # Counts in words that agree with them ("1 sala, 14 sal"), as everything else the bot says.
    places = counted(len(conference.places), "miejsce", "miejsca", "miejsc")
    organisations = counted(len(conference.organisations), "organizacja", "organizacje", "organizacji")
    faq = counted(len(conference.faq), "pytanie", "pytania", "pytań")
    lines.append(f"  {places}, {organisations}, {faq} w FAQ")
    rooms = conference.venue.rooms
    if rooms or conference.speakers or conference.tracks:
        lines.append(
            f"  {counted(len(rooms), 'sala', 'sale', 'sal')}, "
            f"{counted(len(conference.speakers), 'osoba', 'osoby', 'osób')}, "
            f"{counted(len(conference.tracks), 'ścieżka', 'ścieżki', 'ścieżek')}"
        )
    return "\n".join(lines)


def _warnings(doc: Document) -> list[str]:
    """What reading a programme export (or a YAML's `programme` source) warned about."""
    programme = getattr(doc, "programme", None)
    return list(programme.warnings) if programme is not None else []


def _import(settings: Settings, args: argparse.Namespace) -> int:
    """Convert a programme export to a YAML data file, checked as the bot checks its data."""
    from bot import formats
    from bot.formats.yamlout import document_yaml

    file = str(args.source)
    try:
        source = formats.Source(formats.read_bytes(args.source, settings.data_max_bytes), file, args.timezone)
        programme = formats.read_source(source, args.format)
        conference_from(formats.ProgrammeDocument(file, programme))
    except DataError as exc:
        return _fail(f"Błędny plik z programem ({len(exc.issues)}):\n{exc}")
    document = programme.document
    title = formats.format_title(programme.format)
    header = (
        f"Zaimportowano z {args.source.name} ({title}) przez python -m bot import.\n"
        "Uzupełnij venue (adres), contact i faq; docs/data-format.md opisuje każde pole."
    )
    text = document_yaml(document, header)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            return _fail(f"nie można zapisać {args.output}: {exc}")
    else:
        sys.stdout.write(text)
    event = document["event"]
    counts = {
        "sesje": sum(len(day["sessions"]) for day in document["days"]),
        "dni": len(document["days"]),
        "osoby": len(document.get("speakers", [])),
        "sale": len((document.get("venue") or {}).get("rooms", [])),
        "ścieżki": len(document.get("tracks", [])),
    }
    lines = [
        f"Zaimportowano: {file} ({title})",
        f"  {event['name']} ({event['id']}), {event['start_date']} – {event['end_date']}, "
        f"strefa {event['timezone']}",
        "  " + ", ".join(f"{label}: {count}" for label, count in counts.items()),
    ]
    if programme.warnings:
        lines.append(f"  ostrzeżenia ({len(programme.warnings)}):")
        lines += [f"  - {warning}" for warning in programme.warnings]
    if args.output:
        lines.append(f"Zapisano: {args.output}")
    print("\n".join(lines), file=sys.stdout if args.output else sys.stderr)
    return 0


def _export(args: argparse.Namespace, conference: Conference, doc: Document) -> int:
    """The programme in one of the export formats, to a file or stdout."""
    if args.format == "ics":
        document = programme_ics(conference)
    else:
        from bot import schema
        from bot.formats import exporters

        document = exporters()[args.format].write(schema.DataFile.model_validate(doc.data))
    if args.output:
        try:
            args.output.write_bytes(document)
        except OSError as exc:
            return _fail(f"nie można zapisać {args.output}: {exc}")
    else:
        sys.stdout.buffer.write(document)
    return 0


def _database(settings: Settings, action: str) -> int:
    """`db upgrade` brings the schema to the newest migration; `db current` prints the revision."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.logs import one_line
    from bot.store.migrate import current_revision, head_revision
    from bot.store.store import DatabaseUnavailable, Store

    try:
        store = Store.open(settings.database_url)
    except DatabaseUnavailable as exc:
        return _fail(f"DATABASE_URL: {exc}")

    async def work() -> str | None:
        try:
            await store.connect()  # one attempt: a database that does not answer is named at once
            if action == "upgrade":
                await store.migrate()
            return await current_revision(store.engine)
        finally:
            await store.close()

    try:
        revision = asyncio.run(work())
    except DatabaseUnavailable as exc:
        return _fail(f"DATABASE_URL: {exc}")
    except (SQLAlchemyError, OSError) as exc:
        return _fail(f"DATABASE_URL: baza danych {store.url}: {one_line(exc)}")
    print(f"wersja bazy: {revision or 'pusta'} (najnowsza: {head_revision()})")
    return 0


def _run(settings: Settings, assistant: Assistant, data_path: Path) -> int:
    """Serve the channels until Ctrl+C or SIGTERM; configuration problems exit 2 with the key named."""
    import signal

    def interrupt(signum: int, frame: object) -> NoReturn:
        raise KeyboardInterrupt

    # SIGTERM (systemd, docker stop) before the event loop takes it over ends start-up as Ctrl+C
    # does: quietly, with 0.
    signal.signal(signal.SIGTERM, interrupt)
    try:
        from handlers.serve import serve_forever  # the channels load only for `run`

        serve_forever(settings, assistant, data_path)
    except ConfigError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 0
    return 0


def _messenger_setup(settings: Settings, conference: Conference) -> int:
    """Get Started, greeting and menu through the Messenger Profile API."""
    from handlers.messenger.graph import GraphApi, GraphError, Problem
    from handlers.messenger.profile import set_up

    try:
        credentials = settings.messenger_credentials()
    except ConfigError as exc:
        return _fail(str(exc))
    try:
        asyncio.run(set_up(GraphApi(settings.messenger_graph_url, credentials.page_token), conference))
    except GraphError as exc:
        if exc.problem is Problem.RETRY:  # no answer, 5xx or rate limits, after the retries
            return _fail(
                f"Messenger nie odpowiada ({exc}) — spróbuj później; sprawdź połączenie i MESSENGER_GRAPH_URL"
            )
        hint = " — sprawdź MESSENGER_PAGE_TOKEN" if exc.status in (400, 401, 403) else ""
        return _fail(f"Messenger odrzucił ustawienia: {exc}{hint}")
    print("Messenger: ustawiono przycisk „Rozpocznij”, powitanie i menu.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc))
    configure_logging(settings.bot_log_level, settings.secrets(), settings.bot_log_format)
    if args.command == "db":
        return _database(settings, args.action)
    if args.command == "import":
        return _import(settings, args)
    path = getattr(args, "path", None) or args.data or settings.bot_data
    try:
        doc = formats.load_document(path, settings.data_max_bytes)  # YAML, or a programme export
        conference = conference_from(doc)
    except DataError as exc:
        return _fail(f"Błędny plik z danymi ({len(exc.issues)}):\n{exc}")
    if args.command == "check-data":
        print(_summary(conference, path))
        warnings = _warnings(doc)
        if warnings:
            print(f"  ostrzeżenia programu ({len(warnings)}):")
            print("\n".join(f"  - {warning}" for warning in warnings))
        return 0
    if args.now is not None and not args.now.strip():
        # An empty --now is a mistake (a variable that expanded to nothing), not a request for
        # the real clock: leave the flag out for that.
        return _fail('--now: pusta wartość — podaj czas "RRRR-MM-DD GG:MM" albo pomiń --now')
    try:
        clock = make_clock(args.now or settings.bot_now, conference.tz, settings.bot_clock_speed)
    except ClockError as exc:
        return _fail(f"--now / BOT_NOW: {exc}")

    if args.command == "export":
        return _export(args, conference, doc)

    if args.command == "messenger-setup":
        return _messenger_setup(settings, conference)
    assistant = Assistant(conference, clock)
    if args.command == "run":
        return _run(settings, assistant, path)
    if args.command == "ask":
        if args.question is not None:
            print(render_plain(assistant.ask(args.question).reply))
            return 0
        for line in sys.stdin:
            question = line.rstrip("\n")
            if not question.strip():
                continue
            answer = assistant.ask(question)
            record = {
                "question": question,
                "intent": answer.intent.value,
                "answer": render_plain(answer.reply),
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
        return 0

    from handlers.console import history_file, prompt_lines, run_console

    lines = prompt_lines(history=history_file()) if sys.stdin.isatty() else iter(sys.stdin)
    run_console(assistant, lines, print)
    return 0
