"""Sessionize "All data" JSON (`https://sessionize.com/api/v2/<id>/view/All`), and its Sessions view.

Read: every room (in its `sort` order) and every speaker (tagline as the affiliation, bio, links),
categories (one called format/type/rodzaj gives the kind, one called language/język the language,
a level is skipped, any other gives tracks), and each session: times (local, without an offset —
the zone comes from --timezone or the YAML's event.timezone), room, speakers, categories,
description. Service sessions (`isServiceSession`) are breaks — or registration, an opening or a
social event when the title says so; plenum sessions (`isPlenumSession`) are plenary. Sessions
without a time (not scheduled yet) are skipped with a warning. Not read: the answers to the
organisers' own questions (`questions`, `questionAnswers`), profile pictures, live and recording
links; an unknown field gets one warning naming it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.document import fragment
from bot.formats import Format, Source
from bot.formats._common import (
    Draft,
    Kinds,
    Warnings,
    finish,
    language_code,
    mark_provisional,
    name_from_file,
)
from bot.formats.programme import Item, Programme, ProgrammeBuilder, kind_of, parse_datetime, plain_text, slug

_TOP = frozenset({"sessions", "speakers", "questions", "categories", "rooms"})
_SESSION = frozenset(
    {"id", "title", "description", "startsAt", "endsAt", "isServiceSession", "isPlenumSession"}
    | {"speakers", "categoryItems", "questionAnswers", "roomId", "room", "liveUrl", "recordingUrl"}
    | {"status", "isInformed", "isConfirmed", "categories"}
)
_SPEAKER = frozenset(
    {"id", "firstName", "lastName", "fullName", "bio", "tagLine", "profilePicture", "isTopSpeaker", "links"}
    | {"sessions", "categoryItems", "questionAnswers", "categories"}
)
_KIND = re.compile(r"format|type|typ|rodzaj|kind|\bart\b")
_LANGUAGE = re.compile(r"language|jezyk|sprache|lang")
_SKIPPED = re.compile(r"level|poziom|audience|odbiorc|difficult|trudnos|niveau")
_SERVICE_KINDS = frozenset({"break", "registration", "plenary", "social"})


def _recognise(source: Source) -> bool:
    data = source.json_or_none()
    if isinstance(data, list):  # the Sessions view: groups of sessions
        return bool(data) and all(isinstance(g, dict) and "groupId" in g and "sessions" in g for g in data)
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        return False
    first = next((s for s in data["sessions"] if isinstance(s, dict)), None)
    if first is None:
        return {"speakers", "rooms", "categories"} <= data.keys()
    return "startsAt" in first or "isServiceSession" in first


def read(source: Source) -> Programme:
    return _Reader(source).read()


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.builder = ProgrammeBuilder(source.name, source.timezone)
        self.warnings = Warnings()
        self.kinds = Kinds(self.builder, self.warnings)
        self.rooms: dict[str, str] = {}  # Sessionize room id → ours
        self.speakers: dict[str, str] = {}  # Sessionize speaker id → ours
        self.categories: dict[str, tuple[str, str]] = {}  # category item id → (role, name)

    def read(self) -> Programme:
        raw = self.source.json()
        builder = self.builder
        if isinstance(raw, list):
            sessions: list[Any] = []
            for g, group in enumerate(raw):
                if isinstance(group, dict):
                    sessions += self.listed(group.get("sessions"), f"[{g}].sessions")
            raw = {"sessions": sessions}
        if not isinstance(raw, dict) or not isinstance(raw.get("sessions"), list):
            raise builder.error(
                "", None, "to nie jest eksport Sessionize „All data” (view/All): brak listy „sessions”"
            )
        for key in raw.keys() - _TOP:
            builder.unknown(f"klucz {fragment(key)}", key)
        name = name_from_file(self.source.name)
        builder.event.update({"id": slug(name) or "wydarzenie", "name": name})
        builder.warn(
            f"plik nie podaje nazwy wydarzenia — przyjęto {fragment(name)}; popraw event.name i event.id"
        )
        self.read_rooms(raw.get("rooms"))
        self.read_categories(raw.get("categories"))
        self.read_speakers(raw.get("speakers"))
        drafts = [
            draft
            for i, session in enumerate(raw["sessions"])
            if (draft := self.session(session, f"sessions[{i}]")) is not None
        ]
        guessed = finish(drafts, builder, self.warnings)
        self.warnings.flush(builder)
        programme = builder.build()
        return mark_provisional(self.kinds.add_to(programme), guessed)

    # --- parts --------------------------------------------------------------------------------

    def listed(self, value: object, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.builder.problem(where, None, f"oczekiwano listy, jest {fragment(value)}")
            return []
        return value

    def objects(self, value: object, where: str) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for i, item in enumerate(self.listed(value, where)):
            if isinstance(item, dict):
                out.append((f"{where}[{i}]", item))
            else:
                self.builder.problem(f"{where}[{i}]", None, f"oczekiwano obiektu, jest {fragment(item)}")
        return out

    def read_rooms(self, value: object) -> None:
        rooms = self.objects(value, "rooms")
        ordered = sorted(rooms, key=lambda r: r[1]["sort"] if isinstance(r[1].get("sort"), int) else 1 << 30)
        for where, room in ordered:
            ident = self.builder.room(_text(room.get("name")))
            if ident is None:
                self.builder.problem(f"{where}.name", None, "sala bez nazwy")
            elif room.get("id") is not None:
                self.rooms[str(room["id"])] = ident

    def read_categories(self, value: object) -> None:
        skipped: list[str] = []
        for where, category in self.objects(value, "categories"):
            title = _text(category.get("title")) or ""
            folded = title.lower()
            role = (
                "kind"
                if _KIND.search(folded)
                else "language"
                if _LANGUAGE.search(folded)
                else "skip"
                if _SKIPPED.search(folded)
                else "track"
            )
            if role == "skip":
                skipped.append(title)
            for item_where, item in self.objects(category.get("items"), f"{where}.items"):
                name = _text(item.get("name"))
                if name is None or item.get("id") is None:
                    self.builder.problem(item_where, None, "element kategorii bez identyfikatora albo nazwy")
                    continue
                self.categories[str(item["id"])] = (role, name)
                if role == "track":
                    self.builder.track(name)  # every track is listed, also one no session has yet
        if skipped:
            names = ", ".join(map(fragment, skipped))
            self.builder.warn(f"kategorie pominięte (danych nie mają na nie miejsca): {names}")

    def read_speakers(self, value: object) -> None:
        for where, person in self.objects(value, "speakers"):
            for key in person.keys() - _SPEAKER:
                self.builder.unknown(f"klucz {fragment(key)}", f"{where}.{key}")
            name = _text(person.get("fullName")) or _text(
                " ".join(str(person.get(k) or "") for k in ("firstName", "lastName"))
            )
            if name is None:
                self.builder.problem(where, None, "osoba bez imienia i nazwiska")
                continue
            links = [
                str(link["url"])
                for link in self.listed(person.get("links"), f"{where}.links")
                if isinstance(link, dict) and isinstance(link.get("url"), str) and link["url"].strip()
            ]
            ident = self.builder.speaker(
                f"sessionize:{person.get('id')}" if person.get("id") is not None else None,
                name,
                bio=_text(person.get("bio"), single=False),
                affiliation=_text(person.get("tagLine")),
                links=links,
            )
            if ident is not None and person.get("id") is not None:
                self.speakers[str(person["id"])] = ident

    def session(self, value: object, where: str) -> Draft | None:
        builder = self.builder
        if not isinstance(value, dict):
            builder.problem(where, None, f"oczekiwano obiektu sesji, jest {fragment(value)}")
            return None
        for key in value.keys() - _SESSION:
            builder.unknown(f"klucz {fragment(key)}", f"{where}.{key}")
        title = _text(value.get("title"))
        if title is None:
            builder.problem(f"{where}.title", None, "sesja bez tytułu")
            return None
        if value.get("startsAt") is None:
            self.warnings.add(
                "unscheduled",
                f"{where}: sesja {fragment(title)} nie ma jeszcze terminu (startsAt) — pominięta",
            )
            return None
        start = self.moment(value.get("startsAt"), f"{where}.startsAt")
        end = self.moment(value.get("endsAt"), f"{where}.endsAt") if value.get("endsAt") is not None else None
        if start is None:
            return None
        item = Item(
            key=str(value.get("id") or title),
            title=title,
            start=start,
            end=start,
            listed=None,
            where=where,
            line=None,
            kind=self.kind(value, title, where),
            room=self.room(value, where),
            description=_text(value.get("description"), single=False),
        )
        for i, speaker in enumerate(self.listed(value.get("speakers"), f"{where}.speakers")):
            if ident := self.speaker(speaker, f"{where}.speakers[{i}]"):
                item.speakers.append(ident)
        for i, category in enumerate(self.listed(value.get("categoryItems"), f"{where}.categoryItems")):
            role, name = self.categories.get(str(category), ("", ""))
            if role == "track":
                item.tracks.append(self.builder.track(name) or "")
            elif role == "language":
                item.language = language_code(name)
            elif not role:
                self.warnings.add(
                    "category", f"{where}.categoryItems[{i}]: nieznany element kategorii {fragment(category)}"
                )
        return Draft(item, end)

    def moment(self, value: object, where: str) -> datetime | None:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            message = f"data i godzina muszą mieć postać 2024-04-20T09:00:00: {fragment(value)}"
            self.builder.problem(where, None, message)
        return moment

    def kind(self, session: dict[str, Any], title: str, where: str) -> str:
        if session.get("isServiceSession") is True:
            guessed = kind_of(title)
            return guessed if guessed in _SERVICE_KINDS else "break"
        for category in session.get("categoryItems") or []:
            role, name = self.categories.get(str(category), ("", ""))
            if role == "kind":
                return self.kinds.resolve(name, where)
        return "plenary" if session.get("isPlenumSession") is True else "session"

    def room(self, session: dict[str, Any], where: str) -> str | None:
        room = session.get("roomId")
        if room is None:
            return self.builder.room(_text(session.get("room")))
        ident = self.rooms.get(str(room))
        if ident is None:
            self.warnings.add("room", f"{where}.roomId: nie ma sali o identyfikatorze {fragment(str(room))}")
        return ident

    def speaker(self, value: object, where: str) -> str | None:
        if isinstance(value, dict):  # the Sessions view: {id, name}
            key = value.get("id")
            known = self.speakers.get(str(key)) if key is not None else None
            return known or self.builder.speaker(
                f"sessionize:{key}" if key is not None else None, _text(value.get("name"))
            )
        ident = self.speakers.get(str(value))
        if ident is None:
            self.warnings.add("speaker", f"{where}: nie ma osoby o identyfikatorze {fragment(str(value))}")
        return ident


def _text(value: object, *, single: bool = True) -> str | None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = plain_text(str(value), markup=not single)
    return " ".join(text.split()) if text and single else text


FORMATS = (Format("sessionize", "Sessionize „All data” JSON (view/All)", (".json",), _recognise, read),)
