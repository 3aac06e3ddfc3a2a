"""pretalx and c3voc JSON: the frab-style `schedule.json`, pretalx's widget JSON and its API submissions.

- c3voc/frab `schedule.json` (pretalx's `schedule/export/schedule.json`, frab, the CCC hub): the
  conference, its days with `rooms: {name: [events]}`, each event read as in the frab XML; persons as
  `{id, public_name}`, `{code, name}` or `{guid, name}`.
- pretalx widget JSON (`schedule/widgets/schedule.json`, v0.17): talks referring to rooms, tracks and
  speakers by id, names in several languages, breaks as `slot_type: "break"`.
- pretalx REST API submissions: bot/formats/pretalx_api.py.

A person's `answers` (their own answers to the CfP questions: phone numbers, e-mails) are never read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from bot.document import PathKey, format_path, fragment
from bot.formats import Format, Source
from bot.formats.frab import GENERATOR, id_from_our_slug
from bot.formats.programme import (
    Item,
    Programme,
    ProgrammeBuilder,
    join_texts,
    languages,
    parse_date,
    parse_datetime,
    parse_duration,
    plain_text,
    slug,
    web_url,
)

_TOP = frozenset({"$schema", "schedule", "generator"})
_SCHEDULE = frozenset({"version", "base_url", "conference", "url"})
_CONFERENCE = frozenset(
    {"acronym", "title", "subtitle", "start", "end", "daysCount", "timeslot_duration", "time_zone_name"}
    | {"days", "rooms", "tracks", "url", "logo", "colors", "keywords", "meta", "description", "venue", "city"}
    | {"base_url"}
)
_DAY = frozenset({"index", "date", "day_start", "day_end", "rooms"})
_EVENT = frozenset(
    {"id", "guid", "logo", "date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track"}
    | {"type", "language", "abstract", "description", "recording_license", "do_not_record", "do_not_stream"}
    | {
        "persons",
        "links",
        "attachments",
        "answers",
        "feedback_url",
        "origin_url",
        "video_download_url",
        "code",
    }
    | {"end", "room_id", "track_id", "type_id", "speakers", "release"}
)
_PERSON = frozenset(
    {"id", "guid", "code", "name", "public_name", "full_public_name", "biography", "answers", "avatar", "url"}
    | {"links", "avatar_thumbnail_default", "avatar_thumbnail_tiny"}
)
_WIDGET = frozenset(
    {"talks", "version", "schedule_id", "timezone", "event_start", "event_end", "tracks", "rooms"}
)
_WIDGET |= {"speakers"}
_TALK = frozenset(
    {
        "code",
        "id",
        "title",
        "abstract",
        "description",
        "speakers",
        "track",
        "start",
        "end",
        "room",
        "duration",
    }
    | {"updated", "content_locale", "slot_type", "do_not_record", "url", "featured", "tags", "answers"}
    | {"submission_type", "exporter_url"}
)


def i18n(value: Any) -> str | None:
    """A name pretalx may give in several languages ({"en": …, "pl": …}): Polish, else English, else any."""
    if isinstance(value, dict):
        for language in ("pl", "en"):
            if isinstance(value.get(language), str) and value[language].strip():
                return str(value[language])
        return next((str(v) for v in value.values() if isinstance(v, str) and v.strip()), None)
    if value is None or isinstance(value, (list, bool)):
        return None
    text = str(value)
    return None if text == "None" else text  # pretalx writes a missing text as "None"


class JsonReader:
    """Walking parsed JSON with paths for messages and unknown keys noted once each."""

    def __init__(self, builder: ProgrammeBuilder) -> None:
        self.builder = builder

    def fields(self, value: Any, path: PathKey, what: str, known: frozenset[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.builder.error(
                format_path(path), None, f"oczekiwano obiektu JSON {{…}} ({what}), a jest {fragment(value)}"
            )
        for key in value:
            if key not in known:
                self.builder.unknown(f"klucz {fragment(key, 30)} w {what}", format_path((*path, key)))
        return value

    def items(self, value: Any, path: PathKey, what: str) -> Iterator[tuple[PathKey, Any]]:
        if value is None:
            return
        if not isinstance(value, list):
            raise self.builder.error(
                format_path(path), None, f"oczekiwano listy [{what}], a jest {fragment(value)}"
            )
        for index, item in enumerate(value):
            yield (*path, index), item

    def problem(self, path: PathKey, message: str) -> None:
        self.builder.problem(format_path(path), None, message)

    def moment(self, value: Any, path: PathKey) -> datetime | None:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.problem(
                path, f"to nie jest data i godzina ISO 8601 (2025-12-27T16:00:00+01:00): {fragment(value)}"
            )
        return parsed


# --- c3voc / frab schedule.json ------------------------------------------------------------------


def _recognise_schedule(source: Source) -> bool:
    data = source.json_or_none()
    return (
        isinstance(data, dict)
        and isinstance(data.get("schedule"), dict)
        and isinstance(data["schedule"].get("conference"), dict)
    )


def read_schedule(source: Source) -> Programme:
    builder = ProgrammeBuilder(source.name, source.timezone)
    reader = JsonReader(builder)
    top = reader.fields(source.json(), (), "pliku", _TOP)
    generator = top.get("generator")
    ours = isinstance(generator, dict) and generator.get("name") == GENERATOR
    schedule = reader.fields(top["schedule"], ("schedule",), "schedule", _SCHEDULE)
    path: PathKey = ("schedule", "conference")
    conference = reader.fields(schedule["conference"], path, "conference", _CONFERENCE)
    title = plain_text(i18n(conference.get("title")), markup=False)
    if title is None:
        raise builder.error(format_path((*path, "title")), None, "brak nazwy wydarzenia (title)")
    builder.event["name"] = title
    builder.event["id"] = slug(str(conference.get("acronym") or "")) or slug(title) or "wydarzenie"
    if isinstance(conference.get("url"), str) and conference["url"]:
        builder.event["website"] = conference["url"]
    if isinstance(conference.get("city"), str) and conference["city"].strip():
        builder.event["city"] = conference["city"].strip()
    builder.venue_name = plain_text(i18n(conference.get("venue")), markup=False)
    if isinstance(conference.get("time_zone_name"), str) and conference["time_zone_name"]:
        builder.zone_name = conference["time_zone_name"]
        builder.zone_where = format_path((*path, "time_zone_name"))
    for _, track in reader.items(conference.get("tracks"), (*path, "tracks"), "ścieżek"):
        if isinstance(track, dict):
            builder.track(
                i18n(track.get("name")), track.get("slug") if isinstance(track.get("slug"), str) else None
            )
    for _, room in reader.items(conference.get("rooms"), (*path, "rooms"), "sal"):
        builder.room(i18n(room.get("name")) if isinstance(room, dict) else i18n(room))
    if "days" not in conference:
        raise builder.error(format_path((*path, "days")), None, "brak wymaganego pola days")
    for day_path, day in reader.items(conference["days"], (*path, "days"), "dni"):
        _schedule_day(reader, reader.fields(day, day_path, "dniu", _DAY), day_path, ours)
    return builder.build()


def _schedule_day(reader: JsonReader, day: dict[str, Any], path: PathKey, ours: bool) -> None:
    builder = reader.builder
    listed = parse_date(day["date"]) if isinstance(day.get("date"), str) else None
    if listed is None:
        reader.problem((*path, "date"), f"to nie jest data RRRR-MM-DD: {fragment(day.get('date'))}")
        return
    window = parse_datetime(day["day_start"]) if isinstance(day.get("day_start"), str) else None
    if window is not None:
        builder.windows[listed] = window
    rooms = day.get("rooms") or {}
    if not isinstance(rooms, dict):
        reader.problem((*path, "rooms"), "oczekiwano obiektu {nazwa sali: [wydarzenia]}")
        return
    for room_name, events in rooms.items():
        builder.room(room_name)
        for event_path, event in reader.items(events, (*path, "rooms", room_name), "wydarzeń"):
            _schedule_event(reader, event, event_path, room_name, listed, window, ours)


def _schedule_event(
    reader: JsonReader,
    value: Any,
    path: PathKey,
    room: str,
    listed: date,
    window: datetime | None,
    ours: bool,
) -> None:
    builder = reader.builder
    event = reader.fields(value, path, "wydarzeniu", _EVENT)
    title = plain_text(i18n(event.get("title")), markup=False)
    if title is None:
        reader.problem((*path, "title"), "brak tytułu")
        return
    start = _event_start(reader, event, path, listed, window)
    duration = None
    if isinstance(event.get("duration"), (str, int)):
        duration = parse_duration(str(event["duration"]))
    if duration is None and isinstance(event.get("end"), str):
        end = parse_datetime(event["end"])
        if end is not None and start is not None:
            duration = end - start
    if duration is None:
        reader.problem(
            (*path, "duration"), f"czas trwania musi mieć postać GG:MM: {fragment(event.get('duration'))}"
        )
    if start is None or duration is None:
        return
    slug_text = event.get("slug") if isinstance(event.get("slug"), str) else ""
    key = next(
        (str(event[k]) for k in ("id", "code", "guid") if event.get(k) not in (None, "")), slug_text or title
    )
    kind_text = i18n(event.get("type"))
    item = Item(
        key=id_from_our_slug(slug_text) if ours and slug_text else key,
        title=title,
        start=start,
        end=None,
        duration=duration,
        listed=listed,
        where=format_path(path),
        line=None,
        kind=builder.known_kind(kind_text or "") if ours else builder.kind(kind_text),
        room=builder.room(i18n(event.get("room")) or room),
        tracks=[t for t in [builder.track(i18n(event.get("track")))] if t],
        description=join_texts(
            plain_text(i18n(event.get("subtitle"))),
            plain_text(i18n(event.get("abstract"))),
            plain_text(i18n(event.get("description"))),
            _links(event.get("links")),
        ),
        language=languages(event.get("language")),
        url=web_url(event.get("url")),
        fixed_id=ours and bool(slug_text),
    )
    for person_path, person in reader.items(event.get("persons"), (*path, "persons"), "osób"):
        speaker = _person(reader, person, person_path)
        if speaker:
            item.speakers.append(speaker)
    builder.add(item)


def _event_start(
    reader: JsonReader, event: dict[str, Any], path: PathKey, listed: date, window: datetime | None
) -> datetime | None:
    """`date` (with its offset) when given, else `start` ("HH:MM") on the day's date."""
    if event.get("date"):
        return reader.moment(event["date"], (*path, "date"))
    start = event.get("start")
    if isinstance(start, str) and (moment := parse_datetime(start)) is not None:
        return moment
    clock = parse_duration(start) if isinstance(start, str) and ":" in start else None
    if clock is None or clock >= timedelta(days=1):
        reader.problem((*path, "start"), f"brak daty (date) albo godziny GG:MM (start): {fragment(start)}")
        return None
    value = datetime(listed.year, listed.month, listed.day) + clock
    if window is not None and value.time() < window.time():
        value += timedelta(days=1)  # the night after the day's programme
    return value


def _person(reader: JsonReader, value: Any, path: PathKey) -> str | None:
    builder = reader.builder
    if isinstance(value, str):
        return builder.speaker(None, value)
    person = reader.fields(value, path, "osobie", _PERSON)
    name = i18n(person.get("public_name")) or i18n(person.get("name")) or i18n(person.get("full_public_name"))
    key = next((f"{k}:{person[k]}" for k in ("guid", "code", "id") if person.get(k) not in (None, "")), None)
    return builder.speaker(key, name, bio=i18n(person.get("biography")))


def _links(value: Any) -> str | None:
    lines = []
    for link in value if isinstance(value, list) else []:
        if isinstance(link, str):
            href, title = link, None
        elif isinstance(link, dict):
            href = str(link.get("url") or link.get("href") or "")
            title = plain_text(i18n(link.get("title")), markup=False)
        else:
            continue
        if href or title:
            lines.append(f"- {title}: {href}" if title and href and title != href else f"- {title or href}")
    return "Linki:\n" + "\n".join(lines) if lines else None


# --- pretalx widget JSON -------------------------------------------------------------------------


def _recognise_widget(source: Source) -> bool:
    data = source.json_or_none()
    return (
        isinstance(data, dict) and isinstance(data.get("talks"), list) and isinstance(data.get("rooms"), list)
    )


def read_widget(source: Source) -> Programme:
    builder = ProgrammeBuilder(source.name, source.timezone)
    reader = JsonReader(builder)
    data = reader.fields(source.json(), (), "pliku", _WIDGET)
    event_from_name(builder, source.name)
    if isinstance(data.get("timezone"), str) and data["timezone"]:
        builder.zone_name = data["timezone"]
        builder.zone_where = "timezone"
    rooms = _by_id(reader, data.get("rooms"), ("rooms",), "sal", builder.room)
    tracks = _by_id(reader, data.get("tracks"), ("tracks",), "ścieżek", builder.track)
    speakers: dict[str, str] = {}
    for path, person in reader.items(data.get("speakers"), ("speakers",), "osób"):
        if isinstance(person, dict) and person.get("code"):
            speaker = _person(reader, person, path)
            if speaker:
                speakers[str(person["code"])] = speaker
    for path, value in reader.items(data["talks"], ("talks",), "wystąpień"):
        talk = reader.fields(value, path, "wystąpieniu", _TALK)
        title = plain_text(i18n(talk.get("title")), markup=False)
        if title is None:
            reader.problem((*path, "title"), "brak tytułu")
            continue
        start = reader.moment(talk.get("start"), (*path, "start"))
        end = parse_datetime(talk["end"]) if isinstance(talk.get("end"), str) else None
        if end is None and isinstance(talk.get("duration"), int) and start is not None:
            end = start + timedelta(minutes=talk["duration"])
        if end is None:
            reader.problem(
                (*path, "end"), f"brak końca (end) albo czasu trwania (duration): {fragment(talk.get('end'))}"
            )
        if start is None or end is None:
            continue
        is_break = talk.get("slot_type") == "break"
        item = Item(
            key=str(talk.get("code") or talk.get("id") or title),
            title=title,
            start=start,
            end=end,
            listed=None,
            where=format_path(path),
            line=None,
            kind="break" if is_break else builder.kind(i18n(talk.get("submission_type")) or "talk"),
            room=rooms.get(str(talk.get("room"))),
            tracks=[tracks[str(talk["track"])]] if str(talk.get("track")) in tracks else [],
            speakers=[speakers[str(code)] for code in talk.get("speakers") or [] if str(code) in speakers],
            description=join_texts(
                plain_text(i18n(talk.get("abstract"))), plain_text(i18n(talk.get("description")))
            ),
            language=languages(talk.get("content_locale")),
            url=web_url(talk.get("url")),
        )
        builder.add(item)
    return builder.build()


def _by_id(reader: JsonReader, value: Any, path: PathKey, what: str, add: Any) -> dict[str, str]:
    """Rooms or tracks listed with ids ([{id, name}]): pretalx id → our id."""
    found: dict[str, str] = {}
    for item_path, item in reader.items(value, path, what):
        if isinstance(item, dict) and item.get("id") is not None:
            ident = add(i18n(item.get("name")))
            if ident:
                found[str(item["id"])] = ident
        else:
            reader.problem(item_path, f"oczekiwano obiektu {{id, name}}, a jest {fragment(item)}")
    return found


def event_from_name(builder: ProgrammeBuilder, name: str) -> None:
    """Formats without the event's name: an id from the file's name, and a warning to fill it in."""
    stem = PurePath(name).stem
    builder.event["id"] = slug(stem) or "wydarzenie"
    builder.event["name"] = stem or "Wydarzenie"
    builder.warn(f"plik nie podaje nazwy wydarzenia: event.name to {fragment(stem)} — popraw ją w pliku YAML")


FORMATS = (
    Format("c3voc-json", "c3voc/frab/pretalx schedule.json", (".json",), _recognise_schedule, read_schedule),
    Format(
        "pretalx-widget",
        "pretalx widget JSON (schedule/widgets/schedule.json)",
        (".json",),
        _recognise_widget,
        read_widget,
    ),
)
