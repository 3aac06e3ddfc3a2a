"""Polish dates, times, durations, counts and labels (bot/polish.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.polish import (
    at_time,
    counted,
    format_duration,
    in_how_long,
    lower_after_colon,
    on_day,
    short_label,
    until_time,
    when_phrase,
    with_mark,
    without_weekday,
)

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2023, 11, 29, 8, 0, tzinfo=WARSAW)  # a Wednesday


@pytest.mark.parametrize(
    ("later", "said"),
    [
        (timedelta(minutes=5), "za 5 minut"),
        (timedelta(minutes=1), "za minutę"),
        (timedelta(hours=1), "za godzinę"),
        (timedelta(hours=1, minutes=20), "za godzinę i 20 minut"),
        (timedelta(hours=2, minutes=1), "za 2 godziny i 1 minutę"),
        (timedelta(hours=22), "za 22 godziny"),
        (timedelta(hours=26), "jutro o 10:00"),  # not "za 26 godzin"
        (timedelta(hours=49), "pojutrze o 09:00"),
        (timedelta(days=7), "za 7 dni"),
    ],
)
def test_in_how_long(later: timedelta, said: str) -> None:
    assert in_how_long(NOW + later, NOW) == said


def test_durations_and_counts_agree() -> None:
    assert format_duration(timedelta(hours=1, minutes=5)) == "godzinę i 5 minut"
    assert format_duration(timedelta(hours=12)) == "12 godzin"
    assert format_duration(timedelta(days=3)) == "3 dni"
    assert [counted(n, "punkt", "punkty", "punktów") for n in (1, 2, 5, 12, 22, 25)] == [
        "1 punkt",
        "2 punkty",
        "5 punktów",
        "12 punktów",
        "22 punkty",
        "25 punktów",
    ]


def test_days_take_their_preposition() -> None:
    assert on_day(date(2023, 11, 29), weekday_only=True) == "w środę"
    assert on_day(date(2023, 11, 28), weekday_only=True) == "we wtorek"
    assert on_day(date(2023, 12, 2), weekday_only=True) == "w sobotę"
    assert on_day(date(2023, 11, 30)) == "w czwartek, 30 listopada"


def test_midnight_is_said_in_words() -> None:
    midnight = datetime(2031, 8, 3, 0, 0, tzinfo=WARSAW)
    assert at_time(midnight) == "o północy"
    assert until_time(midnight) == "do północy"
    assert at_time(midnight + timedelta(minutes=30)) == "o 00:30"


def test_when_phrase_has_one_bracket_at_most() -> None:
    friday = date(2031, 8, 1)
    at_ten = datetime(2031, 8, 2, 10, 0, tzinfo=WARSAW)
    assert when_phrase(friday, datetime(2031, 8, 1, 16, 0, tzinfo=WARSAW), friday) == "dziś o 16:00"
    assert when_phrase(date(2031, 8, 2), at_ten, friday) == "jutro (w sobotę, 2 sierpnia) o 10:00"
    assert when_phrase(date(2031, 8, 2), at_ten, date(2031, 7, 20)) == "w sobotę, 2 sierpnia, o 10:00"
    night = datetime(2031, 8, 2, 1, 30, tzinfo=WARSAW)
    assert when_phrase(friday, night, friday) == "w nocy z piątku na sobotę, o 01:30"
    assert when_phrase(friday, night, None) == "w nocy z piątku na sobotę, 1/2 sierpnia, o 01:30"


def test_a_days_title_drops_the_weekday_its_heading_says() -> None:
    friday = date(2031, 8, 1)
    assert without_weekday("Piątek — noc koncertów", friday) == "noc koncertów"
    assert without_weekday("piątek: noc koncertów", friday) == "noc koncertów"
    assert without_weekday("Sobota — finał", friday) == "Sobota — finał"  # another day's name: kept
    assert without_weekday("Piątkowe koncerty", friday) == "Piątkowe koncerty"


def test_labels_are_cut_at_a_word() -> None:
    assert short_label("Centra Aktywności Kulturalnej (Gmina Skawina)", 20) == "Centra Aktywności…"
    assert short_label("Warsztat „People meet People”", 20) == "Warsztat „People…”"
    assert short_label("Co dalej?", 20) == "Co dalej?"
    assert len(short_label("x" * 50, 20)) == 20  # one word longer than the label: the only cut inside


def test_a_mark_after_a_sentence_is_a_sentence() -> None:
    assert with_mark("Parking jest.", "do potwierdzenia") == "Parking jest. Do potwierdzenia."
    assert with_mark("dojdziesz pieszo", "do potwierdzenia") == "dojdziesz pieszo (do potwierdzenia)"


def test_after_a_labels_colon_a_common_word_goes_on_in_lower_case() -> None:
    assert lower_after_colon("Pociągiem z Krakowa Głównego") == "pociągiem z Krakowa Głównego"
    assert lower_after_colon("Do przystanku „Zabłocie”") == "do przystanku „Zabłocie”"
    assert lower_after_colon("CCH jest tuż obok") == "CCH jest tuż obok"
    assert lower_after_colon("Kraków Główny to dworzec") == "Kraków Główny to dworzec"
