"""Answers about the programme in time: now, next, at a time, a day, the visits, one item."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from bot import texts
from bot.model import Conference, Day, Organisation, Place, Session, SessionKind
from bot.polish import format_date, format_duration, format_span, format_time, relative_day
from bot.reply import Location, ReplyBuilder, Span, bold, italic
from bot.timeexpr import TimeQuery


def where(session: Session, conference: Conference) -> str:
    """Short "where" for a programme line."""
    if session.at_venue:
        room = session.room or ""
        return f"{conference.venue.label}{', ' + room if room else ''}"
    if session.place is not None:
        return session.place.label
    return texts.PROVISIONAL if session.provisional else ""


def session_line(out: ReplyBuilder, session: Session, conference: Conference) -> None:
    place = where(session, conference)
    parts: list[str | Span] = [f"• {format_span(session.start, session.end)} ", bold(session.title)]
    if place and place not in session.title:
        parts.append(f" — {place}")
    if session.provisional:
        parts.append(italic(f" ({texts.PROVISIONAL_TIME})"))
    out.line(*parts)


def day_heading(day: date, today: date) -> str:
    text = format_date(day)
    near = relative_day(day, today)
    return f"{text[0].upper()}{text[1:]}" + (f" ({near})" if near else "")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def in_how_long(moment: datetime, now: datetime) -> str:
    return f"za {format_duration(moment - now)}"


def suggest_programme(out: ReplyBuilder, conference: Conference, today: date) -> None:
    for day in conference.days:
        label = relative_day(day.date, today)
        if label in ("dziś", "jutro"):
            out.suggest(f"Program na {label}", f"program na {label}")
        else:
            out.suggest(
                f"Program: {format_date(day.date)}", f"program na {format_date(day.date, weekday=False)}"
            )


def answer_now(conference: Conference, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    name = conference.event.label
    if now < conference.starts_at and now.date() < conference.event.start_date:
        first = conference.starting_after(now)
        out.line(
            "Konferencja ",
            bold(f"„{name}”"),
            f" jeszcze się nie zaczęła. Startuje "
            f"{format_date(conference.event.start_date)} ({in_how_long(first[0].start, now)}).",
        )
        out.line("Pierwszy punkt programu:")
        for s in first:
            session_line(out, s, conference)
        suggest_programme(out, conference, now.date())
        return out
    if now >= conference.ends_at:
        out.line(
            "Konferencja ",
            bold(f"„{name}”"),
            f" zakończyła się {format_date(conference.ends_at.date())}. Dziękujemy za udział!",
        )
        out.suggest("O konferencji", "o konferencji").suggest("Kontakt", "kontakt")
        return out
    running = conference.running_at(now)
    if running:
        out.line("Teraz trwa:" if len(running) == 1 else "Teraz trwają równolegle:")
        for s in running:
            session_line(out, s, conference)
            out.line(f"   do {format_time(s.end)} (koniec za {format_duration(s.end - now)})")
    else:
        out.line("W tej chwili nic się nie odbywa.")
    upcoming = conference.starting_after(now)
    if upcoming:
        out.blank()
        start = upcoming[0].start
        when = "Dalej" if start.date() == now.date() else day_heading(start.date(), now.date())
        out.line(f"{when}, o {format_time(start)} ({in_how_long(start, now)}):")
        for s in upcoming:
            session_line(out, s, conference)
    out.suggest("Co dalej?", "co dalej?")
    suggest_programme(out, conference, now.date())
    return out


def answer_next(conference: Conference, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    upcoming = conference.starting_after(now)
    if not upcoming:
        out.line("To już koniec programu — nic więcej nie zaplanowano. Dziękujemy za udział!")
        out.suggest("Kontakt", "kontakt")
        return out
    start = upcoming[0].start
    day = "dziś" if start.date() == now.date() else day_heading(start.date(), now.date())
    out.line(f"Następnie ({day}, o {format_time(start)}, {in_how_long(start, now)}):")
    for s in upcoming:
        session_line(out, s, conference)
    later = [s for s in conference.starting_after(start) if s.start.date() == start.date()]
    if later:
        out.line(f"Potem, o {format_time(later[0].start)}: " + ", ".join(s.title for s in later))
    if len(upcoming) == 1:
        out.suggest("Szczegóły", upcoming[0].title)
    out.suggest("Co jest teraz?", "co jest teraz?")
    suggest_programme(out, conference, now.date())
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
    span = (
        format_date(first, weekday=False)
        if first == last
        else (
            f"{first.day}–{format_date(last, weekday=False)}"
            if first.month == last.month
            else f"{format_date(first, False)} – {format_date(last, False)}"
        )
    )
    out.line(
        f"{day_heading(day, today)}: tego dnia konferencja nie ma programu. "
        f"Konferencja trwa {span} {first.year} r."
    )
    suggest_programme(out, conference, today)


def day_block(
    out: ReplyBuilder,
    conference: Conference,
    day: Day,
    today: date,
    sessions: Sequence[Session] | None = None,
) -> None:
    title = f" — {day.title}" if day.title else ""
    out.line(bold(day_heading(day.date, today)), title)
    for s in sessions if sessions is not None else day.sessions:
        session_line(out, s, conference)
    if day.provisional:
        out.line(italic(texts.PROVISIONAL_DAY))


def answer_day(conference: Conference, query: TimeQuery | None, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = now.date()
    for when in resolve_days(conference, query, today):
        day = conference.day_for(when)
        if day is None:
            no_programme_on(out, conference, when, today)
            continue
        day_block(out, conference, day, today)
        out.blank()
    if not out.lines:
        out.line(f"Konferencja ma {len(conference.days)} dni programu.")
    suggest_programme(out, conference, today)
    out.suggest("Co jest teraz?", "co jest teraz?")
    return out


def _moment_on(day: date, at: time, conference: Conference) -> datetime:
    return datetime.combine(day, at, conference.tz)


def _at_moment(out: ReplyBuilder, conference: Conference, moment: datetime, today: date, label: str) -> bool:
    running = conference.running_at(moment)
    if running:
        out.line(bold(label), ":")
        for s in running:
            session_line(out, s, conference)
        return True
    later = [s for s in conference.starting_after(moment) if s.start.date() == moment.date()]
    if later:
        out.line(bold(label), f": nic się nie odbywa. Najbliżej, o {format_time(later[0].start)}:")
        for s in later:
            session_line(out, s, conference)
        return True
    out.line(bold(label), ": nic się już nie odbywa.")
    return False


def answer_at_time(conference: Conference, query: TimeQuery, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = now.date()
    if query.absolute is not None:
        label = f"{day_heading(query.absolute.date(), today)}, o {format_time(query.absolute)}"
        _at_moment(out, conference, query.absolute, today, label)
        suggest_programme(out, conference, today)
        return out
    for when in resolve_days(conference, query, today):
        day = conference.day_for(when)
        if day is None:
            no_programme_on(out, conference, when, today)
            continue
        if query.moment is not None:
            label = f"{day_heading(when, today)}, o {query.moment:%H:%M}"
            _at_moment(out, conference, _moment_on(when, query.moment, conference), today, label)
        elif query.window is not None:
            start = _moment_on(when, query.window[0], conference)
            end = _moment_on(when, query.window[1], conference)
            found = [s for s in day.sessions if s.overlaps(start, end)]
            label = f"{day_heading(when, today)}, {query.window[0]:%H:%M}–{query.window[1]:%H:%M}"
            if found:
                out.line(bold(label), ":")
                for s in found:
                    session_line(out, s, conference)
            else:
                out.line(bold(label), ": o tej porze nic nie zaplanowano.")
                day_block(out, conference, day, today)
        else:
            day_block(out, conference, day, today)
        if day.provisional:
            out.line(italic(texts.PROVISIONAL_DAY))
        out.blank()
    suggest_programme(out, conference, today)
    return out


def answer_visits(conference: Conference, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    visits = conference.visits
    if not visits:
        out.line("W programie nie ma wizyt studyjnych.")
        return out
    days = sorted({v.start.date() for v in visits})
    out.line(bold(f"Wizyty studyjne i wydarzenia towarzyszące ({len(visits)})"))
    for day in days:
        out.line(day_heading(day, now.date()) + ":")
        for v in (v for v in visits if v.start.date() == day):
            session_line(out, v, conference)
            orgs = ", ".join(o.label for o in v.organisations)
            if orgs:
                out.line(f"   prowadzi: {orgs}")
    if any(v.meeting_point and v.meeting_point.provisional for v in visits):
        out.line(italic("Miejsca zbiórki i adresy wizyt są jeszcze do potwierdzenia."))
    for v in visits[:6]:
        label = v.place.label if v.place else v.title
        out.suggest(label[:20], v.title)
    return out


def _organisations_line(out: ReplyBuilder, organisations: Iterable[Organisation]) -> None:
    names = ", ".join(o.name for o in organisations)
    if names:
        out.line(f"Prowadzi: {names}")


def _place_lines(out: ReplyBuilder, place: Place) -> None:
    if place.description:
        out.line(place.description)
    where = place.locality
    if place.address:
        out.line(f"Adres: {where}" + (f" ({texts.PROVISIONAL})" if place.provisional else ""))
    else:
        if where:
            out.line(f"Okolica: {where}")
        out.line(texts.UNKNOWN_ADDRESS)


def _meeting_point_lines(out: ReplyBuilder, session: Session) -> None:
    point = session.meeting_point
    if point is None:
        return
    described = point.described
    if described:
        mark = f" ({texts.PROVISIONAL})" if point.provisional else ""
        out.line(f"Miejsce zbiórki: {described}{mark}")
    else:
        out.line(texts.UNKNOWN_MEETING_POINT)


def session_location(session: Session) -> Location | None:
    """The pin to send with a session: its meeting point if it has one, else its place's."""
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
    return None


def answer_session(conference: Conference, session: Session, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    out.line(bold(session.title))
    span = format_span(session.start, session.end)
    suffix = f" ({texts.PROVISIONAL_TIME})" if session.provisional else ""
    out.line(f"Kiedy: {_lower_first(day_heading(session.start.date(), now.date()))}, {span}{suffix}")
    if session.start > now and session.start - now < timedelta(days=2):
        out.line(f"Zaczyna się {in_how_long(session.start, now)}.")
    elif session.is_running(now):
        out.line(f"Trwa teraz — do {format_time(session.end)}.")
    if session.at_venue:
        venue = conference.venue
        room = session.room or f"sala {texts.PROVISIONAL}"
        out.line(f"Gdzie: {venue.name}, {venue.full_address} — {room}")
        out.suggest("Jak dojechać?", "jak dojechać?")
    elif session.place is not None:
        out.line(f"Gdzie: {session.place.name}")
        _place_lines(out, session.place)
    else:
        out.line(f"Gdzie: miejsce {texts.PROVISIONAL}")
    _organisations_line(out, session.organisations)
    _meeting_point_lines(out, session)
    out.location = session_location(session)
    out.subject = session.id
    if out.location is not None and out.location.approximate:
        out.line(italic(f"{texts.APPROXIMATE_PIN}."))
    if session.description:
        out.line(session.description)
    parallel = [
        s
        for s in conference.sessions
        if s is not session and s.start == session.start and s.kind == session.kind
    ]
    if parallel:
        out.line("Równolegle: " + "; ".join(s.title for s in parallel))
    if session.kind is SessionKind.VISIT:
        out.suggest("Wszystkie wizyty", "jakie są wizyty studyjne?")
    out.suggest(
        f"Program: {format_date(session.start.date())}"[:30],
        f"program na {format_date(session.start.date(), weekday=False)}",
    )
    return out


def answer_place(conference: Conference, place: Place, now: datetime) -> ReplyBuilder:
    sessions = conference.sessions_at(place)
    if len(sessions) == 1:
        return answer_session(conference, sessions[0], now)
    out = ReplyBuilder()
    out.line(bold(place.name))
    if place.organisation:
        out.line(f"Prowadzi: {place.organisation.name}")
    _place_lines(out, place)
    if sessions:
        out.line("W programie konferencji:")
        for s in sessions:
            out.line(
                f"• {day_heading(s.start.date(), now.date())}, {format_span(s.start, s.end)} ", bold(s.title)
            )
        if any(s.meeting_point and s.meeting_point.provisional for s in sessions):
            out.line(texts.UNKNOWN_MEETING_POINT)
    for s in sessions:
        out.suggest(s.title[:20], s.title)
    return out


def visit_labels(visits: Sequence[Session], limit: int) -> list[str]:
    """Short button labels: the place's name; a later visit at the same place goes by its title."""
    labels: list[str] = []
    for visit in visits:
        label = visit.place.label if visit.place else visit.title
        labels.append((visit.title if label in labels else label)[:limit])
    return labels
