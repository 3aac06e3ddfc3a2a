"""pretalx REST API submissions, each with its slot(s): `/api/events/<event>/submissions/` pages
(`{"results": […]}`), and the same submissions re-keyed by date, minute and room as PyConFR 2024's
site does (`{"schedule": {"2024-11-02": {"540": {"1": {…}}}}, "sprints": …}`).

Not a pretalx export of its own, the grid; but every item in it is a standard pretalx submission, so
it is read as one. Its `extra` (breaks without an end or a room) is skipped with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.document import PathKey, format_path, fragment
from bot.formats import Format, Source
from bot.formats.pretalx import JsonReader, event_from_name, i18n
from bot.formats.programme import (
    Item,
    Programme,
    ProgrammeBuilder,
    join_texts,
    languages,
    parse_date,
    plain_text,
)

_SUBMISSION = frozenset(
    {"code", "speakers", "title", "submission_type", "submission_type_id", "track", "track_id", "state"}
    | {"abstract", "description", "duration", "slot_count", "is_featured", "content_locale", "slot", "slots"}
    | {"image", "resources", "answers", "created", "pending_state", "tags", "tag_ids", "notes"}
    | {"internal_notes", "do_not_record", "id"}
)


def _submissions(data: Any) -> Iterator[tuple[PathKey, Any]] | None:
    """Submissions of an API page ({"results": […]}) or of a date/minute/room grid; None if neither."""
    if not isinstance(data, dict):
        return None
    results = data.get("results")
    if isinstance(results, list) and all(isinstance(r, dict) and "code" in r for r in results):
        return ((("results", i), r) for i, r in enumerate(results))
    schedule = data.get("schedule")
    if (
        isinstance(schedule, dict)
        and schedule
        and all(
            parse_date(str(day)) is not None and isinstance(slots, dict) for day, slots in schedule.items()
        )
    ):

        def grid() -> Iterator[tuple[PathKey, Any]]:
            for part in ("schedule", "sprints"):
                for day, minutes in _section(data.get(part), (part,)):
                    for minute, rooms in _section(minutes, (part, day)):
                        for room, talk in _section(rooms, (part, day, minute)):
                            yield (part, day, minute, room), talk

        return grid()
    return None


def _section(value: Any, path: PathKey) -> Iterator[tuple[str, Any]]:
    """A level of the grid ({key: …}); something else there is named as the problem it is."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise _GridError(path, value)
    yield from value.items()


class _GridError(Exception):
    def __init__(self, path: PathKey, value: Any) -> None:
        super().__init__(format_path(path))
        self.path = path
        self.value = value


def _recognise_api(source: Source) -> bool:
    return _submissions(source.json_or_none()) is not None


def read_api(source: Source) -> Programme:
    builder = ProgrammeBuilder(source.name, source.timezone)
    reader = JsonReader(builder)
    data = source.json()
    event_from_name(builder, source.name)
    for key in data:
        if key not in (
            "schedule",
            "sprints",
            "rooms",
            "speakers",
            "extra",
            "results",
            "count",
            "next",
            "previous",
        ):
            builder.unknown(f"klucz {fragment(key, 30)} w pliku", key)
    for _, room in reader.items(data.get("rooms"), ("rooms",), "sal"):
        if isinstance(room, dict):
            builder.room(i18n(room.get("name")))
    people: dict[str, Any] = data["speakers"] if isinstance(data.get("speakers"), dict) else {}
    for code, person in people.items():
        if isinstance(person, dict):
            builder.speaker(f"code:{code}", i18n(person.get("name")), bio=i18n(person.get("biography")))
    extras = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    extra = sum(len(m) for m in extras.values() if isinstance(m, dict))
    if extra:
        builder.warn(f"pominięto {extra} pozycji z „extra” (przerwy): plik nie podaje ich końca ani sali")
    submissions = _submissions(data)
    assert submissions is not None
    try:
        for path, value in submissions:
            _submission(reader, people, path, value)
    except _GridError as exc:
        raise builder.error(
            format_path(exc.path), None, f"oczekiwano obiektu {{…}}, a jest {fragment(exc.value)}"
        ) from None
    return builder.build()


def _submission(reader: JsonReader, people: dict[str, Any], path: PathKey, value: Any) -> None:
    """One submission: a session for each of its slots."""
    builder = reader.builder
    talk = reader.fields(value, path, "zgłoszeniu", _SUBMISSION)
    title = plain_text(i18n(talk.get("title")), markup=False)
    if title is None:
        reader.problem((*path, "title"), "brak tytułu")
        return
    slots: list[Any] = talk["slots"] if isinstance(talk.get("slots"), list) else [talk.get("slot")]
    for number, slot in enumerate(slot for slot in slots if isinstance(slot, dict)):
        slot_path: PathKey = (*path, "slot") if "slot" in talk else (*path, "slots", number)
        start = reader.moment(slot.get("start"), (*slot_path, "start"))
        end = reader.moment(slot.get("end"), (*slot_path, "end"))
        if start is None or end is None:
            continue
        speakers = []
        listed = talk.get("speakers")
        for person in listed if isinstance(listed, list) else []:
            person_code = str(person.get("code") if isinstance(person, dict) else person)
            found = people.get(person_code)
            known: dict[str, Any] = found if isinstance(found, dict) else {}
            name = i18n(person.get("name")) if isinstance(person, dict) else i18n(known.get("name"))
            bio = i18n(person.get("biography")) if isinstance(person, dict) else i18n(known.get("biography"))
            speaker = builder.speaker(f"code:{person_code}", name, bio=bio)
            if speaker:
                speakers.append(speaker)
        builder.add(
            Item(
                key=str(talk.get("code") or title) + (f"-{number + 1}" if number else ""),
                title=title,
                start=start,
                end=end,
                listed=None,
                where=format_path(path),
                line=None,
                kind=builder.kind(i18n(talk.get("submission_type"))),
                room=builder.room(i18n(slot.get("room"))),
                tracks=[t for t in [builder.track(i18n(talk.get("track")))] if t],
                speakers=speakers,
                description=join_texts(
                    plain_text(i18n(talk.get("abstract"))), plain_text(i18n(talk.get("description")))
                ),
                language=languages(talk.get("content_locale")),
            )
        )


FORMATS = (
    Format(
        "pretalx-api",
        "pretalx API: zgłoszenia z godzinami (submissions)",
        (".json",),
        _recognise_api,
        read_api,
    ),
)
