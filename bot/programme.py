"""Answers about the programme in time: now, next, at a time, a day, the visits.

Sessions carry their true moments (a 01:30 concert of Friday's night starts on Saturday) and the
programme day they are listed under (`Session.day`); "today" is the programme day of the clock's
now (`Conference.programme_date`), so at 00:30 a festival night still counts as Friday's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from bot import texts
from bot.model import Conference, Day, Session
from bot.polish import (
    at_time,
    counted,
    format_date,
    format_span,
    in_how_long,
    join_and,
    night_dates,
    night_of,
    on_day,
    relative_day,
    short_label,
    until_time,
    when_phrase,
    without_weekday,
)
from bot.reply import Location, ReplyBuilder, Span, bold, italic
from bot.timeexpr import TimeQuery

LABEL_LIMIT = 20  # characters in a follow-up's label: a Messenger quick reply's title holds 20
DAY_LABEL_LIMIT = 30  # a day's label may be longer: Messenger cuts it at a word, Telegram shows it all


def where(session: Session, conference: Conference) -> str:
    """Short "where" for a programme line."""
    room = session.room.name if session.room is not None else ""
    if session.at_venue:
        if session.room is not None and session.room.id is not None:
            return room  # one of the venue's rooms: "Saal 1", "Duża Scena" says it all
        return f"{conference.venue.label}{', ' + room if room else ''}"
    if session.place is not None:
        return f"{session.place.label}{', ' + room if room else ''}"
    if room:
        return room
    return texts.PROVISIONAL if session.provisional else ""


def session_line(
    out: ReplyBuilder, session: Session, conference: Conference, mark: str | None = None
) -> None:
    """ "• 15:00–16:30 Title — place"; `mark` replaces the provisional label (a list with a footer)."""
    place = where(session, conference)
    parts: list[str | Span] = [f"• {format_span(session.start, session.end)} ", bold(session.title)]
    if place and place not in session.title:
        parts.append(f" — {place}")
    if mark is None and session.provisional:
        parts.append(italic(f" ({texts.PROVISIONAL_TIME})"))
    elif mark:
        parts.append(mark)
    out.line(*parts)


def provisional_marks(
    sessions: Sequence[Session], covered: bool = False
) -> tuple[list[str | None], str | None]:
    """Each line's provisional mark (None: the usual label) and a footer, so that the label is said
    once, not on every line: none when the day's footer says it (`covered`); for two or more
    provisional times a footer, with "*" on the provisional lines unless all of them are."""
    provisional = sum(s.provisional for s in sessions)
    if covered:
        return ["" for _ in sessions], None
    if provisional < 2:
        return [None for _ in sessions], None
    every = provisional == len(sessions)
    marks: list[str | None] = ["" if every or not s.provisional else " *" for s in sessions]
    return marks, texts.PROVISIONAL_TIMES if every else texts.PROVISIONAL_STAR


def session_lines(
    out: ReplyBuilder, sessions: Sequence[Session], conference: Conference, covered: bool = False
) -> None:
    """Session lines with the provisional label said once (`provisional_marks`)."""
    marks, footer = provisional_marks(sessions, covered)
    for s, mark in zip(sessions, marks, strict=True):
        session_line(out, s, conference, mark)
    if footer:
        out.line(italic(footer))


def day_heading(day: date, today: date) -> str:
    text = format_date(day)
    near = relative_day(day, today)
    return f"{text[0].upper()}{text[1:]}" + (f" ({near})" if near else "")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def countdown(moment: datetime, now: datetime) -> str:
    """ " (za 20 minut)" within a day or from three days on; "" when the day already says it."""
    left = in_how_long(moment, now)
    return f" ({left})" if left.startswith("za ") else ""


def after_midnight(moment: datetime, day: date) -> bool:
    """Whether a moment of `day`'s programme falls in the night after it (01:20, not 00:00 sharp)."""
    return moment > datetime.combine(day + timedelta(days=1), time(0), moment.tzinfo)


def until(end: datetime, now: datetime) -> str:
    """An end as seen from `now`: "do 16:30", "do północy", "do 01:20 w nocy z piątku na sobotę"."""
    if end.date() == now.date() or (end.hour, end.minute) == (0, 0):
        return until_time(end)
    if end.date() == now.date() + timedelta(days=1) and end.hour < 8:
        return f"{until_time(end)} {night_of(now.date())}"
    return f"{until_time(end)} {on_day(end.date())}"


def session_when(session: Session, today: date | None = None, provisional: bool = False) -> str:
    """ "dziś, środa, 29 listopada, 15:00–16:30", "w nocy z piątku na sobotę, 1/2 sierpnia,
    01:30–03:00": no bracket, for callers put it inside one; `provisional` adds the label."""
    near = relative_day(session.day, today) if today is not None else None
    span = format_span(session.start, session.end)
    if session.start.date() > session.day:  # a night slot goes by its night
        text = f"{night_of(session.day)}, {night_dates(session.day)}, {span}"
        text = f"{near} {text}" if near in ("dziś", "jutro") else text
    else:
        text = f"{format_date(session.day)}, {span}"
        text = f"{near}, {text}" if near else text
    if provisional and session.provisional:
        text += f" ({texts.PROVISIONAL_TIME})"
    return text


def day_label(day: date) -> str:
    """A button for a day's programme: "Program: środa, 29 listopada", shorter without the weekday."""
    label = f"Program: {format_date(day)}"
    return label if len(label) <= DAY_LABEL_LIMIT else f"Program: {format_date(day, weekday=False)}"


def suggest_programme(out: ReplyBuilder, conference: Conference, today: date) -> None:
    for day in conference.days:
        label = relative_day(day.date, today)
        if label in ("dziś", "jutro"):
            out.suggest(f"Program na {label}", f"program na {label}")
        else:
            out.suggest(day_label(day.date), f"program na {format_date(day.date, weekday=False)}")


def about_question(conference: Conference) -> str:
    """The question that asks about the event itself, in its noun: "o czym jest festiwal?"."""
    noun = conference.noun
    return f"o czym {noun.agree('jest', 'jest', 'jest', 'są')} {noun.nominative}?"


def _event_over(out: ReplyBuilder, conference: Conference) -> None:
    noun = conference.noun
    ended = noun.agree("zakończył", "zakończyła", "zakończyło", "zakończyły")
    last_day = max(d.date for d in conference.days)
    when = on_day(last_day)
    if after_midnight(conference.ends_at, last_day):
        when = f"{night_of(last_day)}, {night_dates(last_day)}"
    label = bold(f"„{conference.event.label}”")
    out.line(noun.title + " ", label, f" {ended} się {when}. {texts.THANKS_FOR_COMING}")
    out.suggest(short_label(f"O {conference.noun.locative}", LABEL_LIMIT), about_question(conference))
    out.suggest("Kontakt", "kontakt")


def answer_now(conference: Conference, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    noun = conference.noun
    if now < conference.starts_at and today < conference.event.start_date:
        first = conference.starting_after(now)
        started = noun.agree("zaczął", "zaczęła", "zaczęło", "zaczęły")
        starts = noun.agree("Zaczyna", "Zaczyna", "Zaczyna", "Zaczynają")
        start = first[0].start
        out.line(
            noun.title + " ",
            bold(f"„{conference.event.label}”"),
            f" jeszcze się nie {started}. {starts} się "
            f"{when_phrase(first[0].day, start, today)}{countdown(start, now)}.",
        )
        out.line("Pierwszy punkt programu:")
        session_lines(out, first, conference)
        suggest_programme(out, conference, today)
        return out
    if now >= conference.ends_at:
        _event_over(out, conference)
        return out
    running = conference.running_at(now)
    if running:
        out.line("Teraz trwa:" if len(running) == 1 else "Teraz trwają równolegle:")
        marks, footer = provisional_marks(running)
        for s, mark in zip(running, marks, strict=True):
            session_line(out, s, conference, mark)
            out.line(f"   {until(s.end, now)} (koniec {in_how_long(s.end, now)})")
        if footer:
            out.line(italic(footer))
    else:
        out.line("W tej chwili nic się nie odbywa.")
    upcoming = conference.starting_after(now)
    if upcoming:
        out.blank()
        start, day = upcoming[0].start, upcoming[0].day
        out.line(f"Dalej{_next_when(start, day, today, now, ',')}{countdown(start, now)}:")
        session_lines(out, upcoming, conference)
    out.suggest("Co dalej?", "co dalej?")
    suggest_programme(out, conference, today)
    return out


def _next_when(start: datetime, day: date, today: date, now: datetime, same_day: str) -> str:
    """What follows "Dalej" or "Następnie": `same_day` (", o 16:00", " dziś o 16:00") for later
    today, else the day in a sentence (" jutro (w czwartek, 30 listopada) o 09:00")."""
    if day == today and start.date() == now.date():
        return f"{same_day} {at_time(start)}"
    return f" {when_phrase(day, start, today)}"


def answer_next(conference: Conference, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    upcoming = conference.starting_after(now)
    if not upcoming:
        out.line(f"To już koniec programu — nic więcej nie zaplanowano. {texts.THANKS_FOR_COMING}")
        out.suggest("Kontakt", "kontakt")
        return out
    start, day = upcoming[0].start, upcoming[0].day
    out.line(f"Następnie{_next_when(start, day, today, now, ' dziś')}{countdown(start, now)}:")
    session_lines(out, upcoming, conference)
    later = [s for s in conference.starting_after(start) if s.day == day]
    if later:  # titles may hold commas themselves: a semicolon keeps them apart
        out.line(f"Potem, {at_time(later[0].start)}: " + "; ".join(s.title for s in later))
    if len(upcoming) == 1:
        out.suggest("Szczegóły", upcoming[0].title)
    out.suggest("Co jest teraz?", "co jest teraz?")
    suggest_programme(out, conference, today)
    return out


def resolve_days(conference: Conference, query: TimeQuery | None, today: date) -> list[date]:
    """The days a question means: the one it names, else today if the event runs, else all."""
    if query is not None and query.day_index is not None:
        index = query.day_index if query.day_index >= 0 else len(conference.days) - 1
        if index < len(conference.days):
            return [conference.days[index].date]
        return []
    if query is not None and query.day is not None:
        return [query.day]
    if conference.day_for(today) is not None:
        return [today]
    return [d.date for d in conference.days]


def no_programme_on(out: ReplyBuilder, conference: Conference, day: date, today: date) -> None:
    first, last = conference.days[0].date, conference.days[-1].date
    noun = conference.noun
    if first == last:
        span = format_date(first, weekday=False)
        lasts = noun.agree("odbywa", "odbywa", "odbywa", "odbywają") + " się"
    else:
        span = (
            f"{first.day}–{format_date(last, weekday=False)}"
            if first.month == last.month
            else f"{format_date(first, False)} – {format_date(last, False)}"
        )
        lasts = noun.agree("trwa", "trwa", "trwa", "trwają")
    has = noun.agree("ma", "ma", "ma", "mają")
    out.line(
        f"{day_heading(day, today)}: tego dnia {noun.nominative} nie {has} programu. "
        f"{noun.title} {lasts} {span} {first.year} r."
    )
    suggest_programme(out, conference, today)


def day_block(
    out: ReplyBuilder,
    conference: Conference,
    day: Day,
    today: date,
    sessions: Sequence[Session] | None = None,
) -> None:
    own = without_weekday(day.title, day.date) if day.title else ""  # "Piątek — noc koncertów"
    out.line(bold(day_heading(day.date, today)), f" — {own}" if own else "")
    listed = list(sessions if sessions is not None else day.sessions)
    marks, footer = provisional_marks(listed, covered=day.provisional)  # its footer says it below
    night = False
    for s, mark in zip(listed, marks, strict=True):
        if not night and s.start.date() > day.date:
            night = True
            out.line(italic(f"Po północy, {night_of(day.date)}:"))
        session_line(out, s, conference, mark)
    if footer:
        out.line(italic(footer))
    if day.provisional:
        out.line(italic(texts.PROVISIONAL_DAY))


def answer_day(conference: Conference, query: TimeQuery | None, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    for when in resolve_days(conference, query, today):
        day = conference.day_for(when)
        if day is None:
            no_programme_on(out, conference, when, today)
            continue
        day_block(out, conference, day, today)
        out.blank()
    if not out.lines:
        days = counted(len(conference.days), "dzień", "dni", "dni")
        has = conference.noun.agree("ma", "ma", "ma", "mają")
        out.line(f"{conference.noun.title} {has} {days} programu.")
    suggest_programme(out, conference, today)
    out.suggest("Co jest teraz?", "co jest teraz?")
    return out


def _at_moment(
    out: ReplyBuilder, conference: Conference, moment: datetime, label: str, covered: bool = False
) -> bool:
    running = conference.running_at(moment)
    if running:
        out.line(bold(label), ":")
        session_lines(out, running, conference, covered)
        return True
    day = conference.programme_date(moment)
    later = [s for s in conference.starting_after(moment) if s.day == day]
    if later:
        out.line(bold(label), f": nic się nie odbywa. Najbliżej, {at_time(later[0].start)}:")
        session_lines(out, later, conference, covered)
        return True
    out.line(bold(label), ": nic się już nie odbywa.")
    return False


def answer_at_time(conference: Conference, query: TimeQuery, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    if query.absolute is not None:
        label = f"{day_heading(query.absolute.date(), now.date())}, {at_time(query.absolute)}"
        _at_moment(out, conference, query.absolute, label)
        suggest_programme(out, conference, today)
        return out
    for when in resolve_days(conference, query, today):
        day = conference.day_for(when)
        if day is None:
            no_programme_on(out, conference, when, today)
            continue
        footer = day.provisional  # said once below the list
        if query.moment is not None:
            moment = conference.programme_moment(when, query.moment)
            if moment.date() > when:  # "W nocy z piątku na sobotę, 1/2 sierpnia, o 01:30"
                label = f"{night_of(when).capitalize()}, {night_dates(when)}, {at_time(moment)}"
            else:
                label = f"{day_heading(when, today)}, {at_time(moment)}"
            _at_moment(out, conference, moment, label, covered=day.provisional)
        elif query.window is not None:
            start = conference.programme_moment(when, query.window[0])
            end = conference.programme_moment(when, query.window[1])
            if end <= start:
                end += timedelta(days=1)  # "od 22 do 2"
            found = [s for s in day.sessions if s.overlaps(start, end)]
            hours = f"{query.window[0]:%H:%M}–{query.window[1]:%H:%M}"
            if start.date() > when:  # "W nocy z poniedziałku na wtorek, 29/30 grudnia, 00:00–04:00"
                label = f"{night_of(when).capitalize()}, {night_dates(when)}, {hours}"
            else:
                label = f"{day_heading(when, today)}, {hours}"
            if found:
                out.line(bold(label), ":")
                session_lines(out, found, conference, covered=day.provisional)
            else:
                # Nothing then: what comes next, not the whole day again ("dziś w nocy" after the
                # last talk of a daytime conference).
                later = [s for s in conference.sessions if s.start >= end]
                if later:
                    first = min(later, key=lambda s: s.start)
                    soon = when_phrase(first.day, first.start, today)
                    out.line(bold(label), f": o tej porze nic nie zaplanowano. Najbliżej {soon}:")
                    parallel = [s for s in later if s.start == first.start]
                    session_lines(out, parallel, conference, covered=day.provisional)
                else:
                    out.line(bold(label), ": o tej porze nic nie zaplanowano, a dalej w programie już nic.")
        else:
            day_block(out, conference, day, today)
            footer = False
        if footer:
            out.line(italic(texts.PROVISIONAL_DAY))
        out.blank()
    suggest_programme(out, conference, today)
    return out


def travel_heading(conference: Conference) -> str:
    """The travel kinds' plurals: "wizyty studyjne", "wizyty studyjne i wycieczki"."""
    return join_and([k.plural for k in conference.travel_kinds])


def answer_visits(conference: Conference, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    visits = conference.visits
    if not visits:
        out.line("W programie nie ma wizyt studyjnych ani wycieczek — wszystko odbywa się na miejscu.")
        out.suggest("Program", "harmonogram").suggest("Co jest teraz?", "co jest teraz?")
        return out
    heading = travel_heading(conference)
    out.line(bold(f"{heading[:1].upper()}{heading[1:]} ({len(visits)})"))
    marks, footer = provisional_marks(visits)
    mark_of = {v.id: mark for v, mark in zip(visits, marks, strict=True)}
    for day in sorted({v.day for v in visits}):
        out.line(day_heading(day, today) + ":")
        for v in (v for v in visits if v.day == day):
            session_line(out, v, conference, mark_of[v.id])
            orgs = ", ".join(o.label for o in v.organisations)
            if orgs:
                out.line(f"   prowadzi: {orgs}")
    if footer:
        out.line(italic(footer))
    if any(v.meeting_point and v.meeting_point.provisional for v in visits):
        out.line(italic("Miejsca zbiórki i adresy są jeszcze do potwierdzenia."))
    for v, label in zip(visits[:6], visit_labels(visits[:6], LABEL_LIMIT), strict=True):
        out.suggest(label, v.title)
    return out


def session_location(session: Session) -> Location | None:
    """The pin to send with a session: its meeting point's, else its place's, else its room's."""
    point = session.meeting_point
    if point is not None and point.location is not None:
        address = point.described
        pin = point.location
        title = f"Zbiórka: {session.place.label if session.place else session.title}"
        return Location(pin.latitude, pin.longitude, title, address, pin.approximate or point.provisional)
    place = session.place
    if place is not None and place.location is not None:
        address = place.locality
        pin = place.location
        return Location(
            pin.latitude, pin.longitude, place.name, address, pin.approximate or place.provisional
        )
    room = session.room
    if room is not None and room.location is not None:
        pin = room.location
        return Location(pin.latitude, pin.longitude, room.name, room.way, pin.approximate)
    return None


def visit_labels(visits: Sequence[Session], limit: int) -> list[str]:
    """Short button labels: the place's name; a later visit at the same place goes by its title."""
    labels: list[str] = []
    for visit in visits:
        label = visit.place.label if visit.place else visit.title
        labels.append(short_label(visit.title if label in labels else label, limit))
    return labels
