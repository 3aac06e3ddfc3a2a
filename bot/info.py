"""Answers about the event itself: venue and directions, contact, organisers, the event, FAQ."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot import texts
from bot.analysis import Analysis
from bot.details import coordinates
from bot.model import Conference, Direction, FaqEntry, Note, Organisation, Role, TransportMode
from bot.polish import format_date, format_span, lower_after_colon, short_label, with_mark
from bot.programme import LABEL_LIMIT
from bot.reply import Location, ReplyBuilder, bold, italic, link

# Venue sub-topics: the cue lemmas (folded) that select each one.
_VENUE_TOPICS: tuple[tuple[str, frozenset[str]], ...] = (
    ("airport", frozenset({"lotnisko", "balice", "samolot", "lot"})),
    ("railway_station", frozenset({"dworzec", "dworca", "pkp", "glowny", "glownego"})),
    ("car", frozenset({"samochod", "auto", "autem", "samochodem", "samochodowy"})),
    ("parking", frozenset({"parking", "parkowac", "zaparkowac", "samochod", "auto", "parkingu"})),
    (
        "accessibility",
        frozenset(
            {
                "winda",
                "wozek",
                "dostepnosc",
                "niepelnosprawny",
                "niepelnosprawnosc",
                "schody",
                "bariera",
                "wozkowy",
                "dostepny",
            }
        ),
    ),
    ("bicycles", frozenset({"rower", "rowerowy", "stojak"})),
    ("tram", frozenset({"tramwaj", "tram", "mpk", "przystanek"})),
    ("bus", frozenset({"autobus", "bus", "busem", "autobusem"})),
    ("train", frozenset({"pociag", "kolej", "ska", "kolejowy", "sbahn"})),
    ("metro", frozenset({"metro", "metrem", "u-bahn", "ubahn"})),
    ("map", frozenset({"mapa", "lokalizacja", "pinezka", "nawigacja", "google", "mapka"})),
)


# How a way asked about is named when the data has none: "Nie mam opisu dojazdu z lotniska."
_TOPIC_WAYS = {
    "airport": "z lotniska",
    "railway_station": "z dworca",
    "tram": "tramwajem",
    "bus": "autobusem",
    "train": "pociągiem",
    "metro": "metrem",
}
_BAHN = (("train", re.compile(r"\bs ?bahn\w*")), ("metro", re.compile(r"\bu ?bahn\w*")))  # "S-Bahn", "U-Bahn"


def venue_topics(analysis: Analysis) -> list[str]:
    found = [topic for topic, cues in _VENUE_TOPICS if cues & analysis.lemmas]
    return found + [
        topic for topic, pattern in _BAHN if pattern.search(analysis.folded) and topic not in found
    ]


def _note_line(out: ReplyBuilder, title: str, note: Note | None) -> None:
    if note is None or not note.text:
        out.line(bold(title), f": brak informacji — {texts.PROVISIONAL} u organizatorów.")
        return
    out.line(bold(title), f": {with_mark(note.text, texts.PROVISIONAL) if note.provisional else note.text}")


def venue_location(conference: Conference) -> Location | None:
    venue = conference.venue
    if venue.location is None:
        return None
    return Location(
        venue.location.latitude,
        venue.location.longitude,
        venue.name,
        venue.full_address,
        venue.location.approximate,
    )


_MODES = {
    TransportMode.TRAM: "tramwaj",
    TransportMode.BUS: "autobus",
    TransportMode.TRAIN: "pociąg",
    TransportMode.METRO: "metro",
}


def _lines(lines: tuple[str, ...]) -> str:
    """ "linia U2", "linie 9, 20, 50": the word agrees with how many."""
    return f"{'linia' if len(lines) == 1 else 'linie'} {', '.join(lines)}"


_TOPIC_MODES = {
    "tram": TransportMode.TRAM,
    "train": TransportMode.TRAIN,
    "bus": TransportMode.BUS,
    "metro": TransportMode.METRO,
}


def _direction_line(out: ReplyBuilder, direction: Direction) -> None:
    # The label is half a sentence ("Z dworca Kraków Główny: pociągiem…"): what follows goes on
    # in lower case, a name keeps its capital.
    text = lower_after_colon(direction.text)
    text = with_mark(text, texts.PROVISIONAL) if direction.provisional else text
    out.line(bold(direction.label[0].upper() + direction.label[1:]), f": {text}")


def _address_lines(out: ReplyBuilder, conference: Conference) -> None:
    """The address, or for a place without one (a field), where its pin is."""
    venue = conference.venue
    if venue.address:
        out.line(f"Adres: {venue.full_address}")
        return
    if venue.full_address:
        out.line(f"Miejscowość: {venue.full_address}")
    if venue.location is not None:
        out.line(f"Bez adresu pocztowego — położenie: {coordinates(venue.location)} (pinezka na mapie).")
    else:
        out.line(texts.UNKNOWN_ADDRESS)  # a programme export names the venue only


def answer_venue(conference: Conference, topics: Sequence[str] = ()) -> ReplyBuilder:
    """Where the event is; `topics` (venue_topics of the question): the ways asked about."""
    venue = conference.venue
    out = ReplyBuilder()
    out.line(bold(venue.name))
    _address_lines(out, conference)
    before = len(out.lines)
    for topic in topics:
        direction = venue.direction(topic)
        if direction is not None:
            _direction_line(out, direction)
        elif topic == "parking":
            _note_line(out, "Parking", venue.parking)
        elif topic == "accessibility":
            _note_line(out, "Dostępność", venue.accessibility)
        elif topic == "bicycles":
            _note_line(out, "Rowery", venue.bicycles)
        mode = _TOPIC_MODES.get(topic)
        if mode is not None:
            for stop in venue.stops:
                if stop.mode is mode:
                    lines = f" ({_lines(stop.lines)})" if stop.lines else ""
                    note = f" — {stop.note}" if stop.note else ""
                    out.line(f"Przystanek: {stop.name}{lines}{note}")
    unknown = [_TOPIC_WAYS[t] for t in topics if t in _TOPIC_WAYS and len(out.lines) == before]
    if unknown:
        # "jak dojechać z lotniska?" with no such directions: say so, and give what is certain —
        # the address and the stops — not another way (by car) that answers something else.
        out.line(f"Nie mam opisu dojazdu {' ani '.join(unknown)}.")
        if venue.stops:
            out.line("Najbliższe przystanki:")
        for stop in venue.stops:
            lines = f", {_lines(stop.lines)}" if stop.lines else ""
            mark = f"; {texts.PROVISIONAL}" if stop.provisional else ""
            out.line(f"• {stop.name} ({_MODES[stop.mode]}{lines}{mark})")
    elif len(out.lines) == before:  # no topic asked, or none the data says anything about
        if venue.description:
            out.line(venue.description)
        for building in venue.buildings:
            out.line(f"• {building.name}" + (f" — {building.note}" if building.note else ""))
        if venue.stops:
            out.line("Najbliższe przystanki:")
            for stop in venue.stops:
                lines = f", {_lines(stop.lines)}" if stop.lines else ""
                mark = f"; {texts.PROVISIONAL}" if stop.provisional else ""  # one bracket, not two
                out.line(f"• {stop.name} ({_MODES[stop.mode]}{lines}{mark})")
        for direction in venue.directions:  # every way the data gives, "from: car" too
            _direction_line(out, direction)
    if venue.map_url:
        out.line(link("Mapa", venue.map_url))
        out.add_link("Mapa", venue.map_url)
    if venue.location is not None and venue.location.approximate:
        note = f" — {venue.location.note}" if venue.location.note else ""
        out.line(italic(f"{texts.APPROXIMATE_PIN}{note}."))
    out.location = venue_location(conference)
    for label, question, topic in (
        ("Z dworca", "jak dojechać z dworca?", "railway_station"),
        ("Z lotniska", "jak dojechać z lotniska?", "airport"),
        ("Tramwajem", "jak dojechać tramwajem?", "tram"),
    ):
        if topics and topic not in topics and venue.direction(topic) is not None:
            out.suggest(label, question)
    for label, question, topic in (
        ("Parking", "czy jest parking?", "parking"),
        ("Dostępność", "czy są windy?", "accessibility"),
    ):
        if topic not in topics:
            out.suggest(label, question)
    return out


def answer_contact(conference: Conference) -> ReplyBuilder:
    out = ReplyBuilder()
    contact = conference.contact
    if contact is None:
        out.line("Nie mam danych kontaktowych organizatorów.")
        return out
    out.line(bold(contact.name), f" — {contact.role}" if contact.role else "")
    if contact.phone:
        out.line(f"Telefon: {contact.phone}")
    if contact.email:
        out.line("E-mail: ", link(contact.email, f"mailto:{contact.email}"))
    if conference.event.programme_website:
        out.line(
            "Program online: ", link(conference.event.programme_website, conference.event.programme_website)
        )
    out.suggest("Organizatorzy", f"kto organizuje {conference.noun.accusative}?")
    return out


def _names(organisations: list[Organisation]) -> str:
    return ", ".join(o.name + (f" ({o.short_name})" if o.short_name else "") for o in organisations)


def answer_organisers(conference: Conference) -> ReplyBuilder:
    out = ReplyBuilder()
    for role, title in (
        (Role.ORGANISER, "Organizator"),
        (Role.CO_ORGANISER, "Współorganizatorzy"),
        (Role.PARTNER, "Partnerzy"),
    ):
        found = conference.organisations_with(role)
        if found:
            out.line(bold(title), f": {_names(found)}")
    funders = conference.organisations_with(Role.FUNDER)
    if funders:
        out.line(bold("Finansowanie"), ":")
        for funder in funders:
            out.line(f"• {funder.description or funder.name}")
    if conference.partners_note:
        out.line(bold("Partnerzy merytoryczni"), f": {conference.partners_note}")
    main = conference.organisations_with(Role.ORGANISER)
    if main:
        out.suggest(short_label(f"O: {main[0].label}", LABEL_LIMIT), f"czym zajmuje się {main[0].label}?")
    out.suggest("Kontakt", "kontakt")
    return out


def answer_about_event(conference: Conference) -> ReplyBuilder:
    event = conference.event
    out = ReplyBuilder()
    heading = f"{event.edition}. " if event.edition else ""
    title = f"{heading}{event.kind or event.noun.nominative} „{event.name}”"
    out.line(bold(title[:1].upper() + title[1:]))
    if event.motto:
        out.line(f"Hasło tej edycji: „{event.motto}”")
    first, last = event.start_date, event.end_date
    dates = (
        format_date(first) if first == last else f"{format_date(first)} – {format_date(last)} {last.year} r."
    )
    out.line(f"Termin: {dates}" + (f", {event.city}" if event.city else ""))
    out.line(f"Miejsce: {conference.venue.located}")
    if event.participants:
        out.line(f"Uczestnicy: {event.participants}")
    if event.topics:
        out.line("Tematy: " + "; ".join(event.topics) + ".")
    if event.history:
        out.line(f"Historia: {event.history}")
    main = conference.organisations_with(Role.ORGANISER)
    if main:
        out.line(f"Organizator: {main[0].name}")
    if event.website:
        out.line("Strona: ", link(event.website, event.website))
        out.add_link(f"Strona {event.noun.genitive}", event.website)
    if event.programme_website and event.programme_website != event.website:
        out.line("Program online: ", link(event.programme_website, event.programme_website))
    out.suggest("Program", "harmonogram").suggest("Organizatorzy", "kto organizuje?")
    return out


def answer_organisation(conference: Conference, organisation: Organisation) -> ReplyBuilder:
    out = ReplyBuilder()
    title = organisation.name + (f" ({organisation.short_name})" if organisation.short_name else "")
    out.line(bold(title))
    noun = conference.noun
    roles = {
        Role.ORGANISER: f"organizator {noun.genitive}",
        Role.CO_ORGANISER: f"współorganizator {noun.genitive}",
        Role.FUNDER: f"współfinansuje {noun.accusative}",
        Role.PARTNER: f"partner {noun.genitive}",
    }
    for role in sorted(organisation.roles):
        out.line(roles[role][0].upper() + roles[role][1:] + ".")
    if organisation.description:
        out.line(organisation.description)
    sessions = conference.sessions_by(organisation)
    places = [p for p in conference.places if p.organisation is organisation]
    if sessions:
        out.line("W programie:")
        for s in sessions:
            when = f"{format_date(s.day)}, {format_span(s.start, s.end)}"
            out.line(f"• {when[:1].upper()}{when[1:]} ", bold(s.title))
            out.suggest(short_label(s.title, LABEL_LIMIT), s.title)
    elif places:
        out.line("Prowadzi: " + ", ".join(p.name for p in places))
    for url in organisation.websites:
        out.line("Strona: ", link(url, url))
    if not (organisation.description or sessions or places or organisation.roles):
        out.line("Więcej o tej organizacji nie wiem.")
    return out


def answer_faq(entry: FaqEntry) -> ReplyBuilder:
    out = ReplyBuilder()
    out.line(bold(entry.question))
    out.line(entry.answer)
    if entry.provisional:
        out.line(italic(f"Informacja {texts.PROVISIONAL}."))
    out.suggest("Kontakt", "kontakt")
    return out
