"""Fixed Polish texts users read, kept together for review.

Texts that name the event take its noun in the right case ("asystentem festiwalu", "na targach"):
the functions at the end build them from the loaded data.
"""

from __future__ import annotations

from bot.model import Conference

PROVISIONAL = "do potwierdzenia"
PROVISIONAL_TIME = "godzina orientacyjna"
PROVISIONAL_DAY = "Program tego dnia jest orientacyjny — godziny i sale mogą się jeszcze zmienić."
# A list's footer, so that the label is said once and not on every line.
PROVISIONAL_TIMES = "Godziny są orientacyjne — mogą się jeszcze zmienić."
PROVISIONAL_STAR = "* godzina orientacyjna"
APPROXIMATE_PIN = "Pinezka jest przybliżona"
# Fields of a card, as the known ones are ("Adres: …"); no "we" of the organisers in the bot's voice.
UNKNOWN_MEETING_POINT = "Miejsce zbiórki: jeszcze nieznane — do potwierdzenia u organizatorów."
UNKNOWN_ADDRESS = "Dokładny adres: jeszcze nieznany — do potwierdzenia u organizatorów."
THANKS_FOR_COMING = "Dziękuję za udział!"

EMPTY = "Napisz, o co chcesz zapytać — np. „co jest teraz?” albo „jak dojechać?”."
NOT_TEXT = "Umiem odpowiadać tylko na pytania napisane tekstem. Napisz, o co chcesz zapytać."
TOO_LONG = "To bardzo długa wiadomość — odpowiadam na jej początek."

FALLBACK = "Nie mam pewności, o co pytasz, a nie chcę zgadywać."
FALLBACK_OFFER = "Mogę pomóc w takich sprawach:"

HELP_INTRO = "Jestem asystentem {event}. Zapytaj mnie po prostu, np.:"
# Help and fallback examples: (question, what it gives). The assistant fills the templates from
# the loaded event and keeps only the examples it understands itself (bot/assistant.py).
EXAMPLE_NOW = ("co jest teraz?", "co się dzieje w tej chwili")
EXAMPLE_NEXT = ("co dalej?", "następny punkt programu")
EXAMPLE_DAY = ("program na jutro", "plan dnia")
EXAMPLE_AT = ("co jest {day} o {hour}?", "program o danej porze")
EXAMPLE_TRAVEL = ("jakie są {kinds}?", "lista z godzinami i miejscami")
EXAMPLE_SESSION = ("kiedy jest {thing}?", "szczegóły punktu programu")
EXAMPLE_VENUE = ("jak dojechać{origin}?", "dojazd, adres, parking, dostępność")
EXAMPLE_VENUE_ORIGIN = " z dworca"  # only when the data tells the way from the station
EXAMPLE_ORGANISERS = ("kto organizuje {event}?", "organizatorzy i partnerzy")
EXAMPLE_CONTACT = ("kontakt", "osoba kontaktowa")

# Meta's policy (and plain honesty) asks an automated chat to say so before anything else.
AUTOMATED = "automatycznym asystentem"
GREETING = "Dzień dobry! Jestem " + AUTOMATED + " {event} (botem, nie człowiekiem)."
GREETING_MORE = "Pytaj o {topics} — piszę po polsku, bez zbędnych formalności."
MESSENGER_GREETING = "Automatyczny asystent (bot) {event}: {topics}. Pytaj po polsku."
CONSOLE_WELCOME = (
    "Asystent {event} — czat w konsoli. Pisz pytania po polsku; „/koniec” albo Ctrl+D kończy rozmowę."
)
FAREWELL = "Do zobaczenia na {event}!"
THANKS = "Nie ma za co! Jeśli będziesz czegoś potrzebować, pisz śmiało."

REMINDERS_ON = "Rozumiem: chcesz dostawać przypomnienia przed punktami programu"
REMINDERS_OFF = "Rozumiem: chcesz wyłączyć przypomnienia."
REMINDERS_ASK = "Rozumiem, chodzi o przypomnienia przed punktami programu."
REMINDERS_NOT_YET = (
    "Przypomnienia ustawisz w rozmowie ze mną na Telegramie: /przypomnienia. Tutaj zapytaj mnie "
    "„co dalej?”, a podam najbliższy punkt programu."
)

# Messages that are not a question in text; every channel answers them the same way.
OTHER_LOCATION = (
    "Dziękuję za lokalizację! Nie wyznaczam trasy z Twojego miejsca, ale podam adres, "
    "przystanki i dojazd — wystarczy zapytać „jak dojechać?”."
)
OTHER_CONTACT = "Dziękuję, ale nie potrzebuję kontaktów i nigdzie ich nie zapisuję."
OTHER_VOICE = "Nie odsłuchuję nagrań — napisz pytanie tekstem, np. „co jest teraz?”."
OTHER_STICKER = "Dzięki! 🙂 Na naklejki nie odpowiem, ale na pytania tekstem — chętnie."
OTHER_MEDIA = "Nie oglądam zdjęć ani plików — napisz pytanie tekstem, np. „co jest teraz?”."
OTHER_EDITED = (
    "Widzę poprawioną wiadomość, ale odpowiadam tylko na nowe. Wyślij pytanie jeszcze raz, a odpowiem."
)
UNKNOWN_COMMAND = "Nie znam polecenia {command}. Mogę za to odpowiedzieć na pytanie zadane zwykłym tekstem."
ERROR = "Coś poszło nie tak po mojej stronie — przepraszam. Spróbuj jeszcze raz za chwilę."
BUTTON_EXPIRED = "Ten przycisk już nie działa — zapytaj jeszcze raz."
SESSION_GONE = "Tego punktu nie ma już w programie. Zobacz aktualny program."
PICK_DAY = "Program {event}: wybierz dzień."
ALL_DAYS = "Wszystkie dni"

MESSENGER_WINDOW_NOTE = (
    "ℹ️ W Messengerze mogę napisać do Ciebie sam tylko w ciągu 24 godzin od Twojej ostatniej "
    "wiadomości. Napisz do mnie cokolwiek każdego dnia programu, a przypomnienia dojdą."
)
REMINDERS_TURNED_ON = "✅ Przypomnienia włączone."
REMINDERS_TURNED_OFF = "🔕 Przypomnienia wyłączone — nie wyślę już żadnego."
REMINDERS_STATUS_OFF = "Przypomnienia są wyłączone. Włącz je, a napiszę przed każdym punktem programu."
SCOPE_ALL = "każdym punktem programu"
SCOPE_PLAN = "punktami z Twojego planu"
FORGET_CONFIRM = (
    "Usunę wszystko, co o Tobie zapisałem: ustawienia przypomnień, Twój plan i historię wysłanych "
    "wiadomości. Tego nie da się cofnąć. Usunąć?"
)
FORGET_YES = "Tak, usuń moje dane"
FORGET_NO = "Nie, zostaw"
FORGOTTEN = "Usunięte. Nie mam już żadnych Twoich danych; jeśli napiszesz znowu, zacznę od zera."
NOTHING_TO_FORGET = "Nie mam żadnych Twoich danych do usunięcia."
FORGET_CANCELLED = "Dobrze, niczego nie usuwam."

PLAN_EMPTY = (
    "Twój plan jest pusty. Zapytaj o punkt programu (np. po jego tytule) i w szczegółach wybierz "
    "„➕ Dodaj do planu”."
)
PLAN_TITLE = "Twój plan"
PLAN_ADDED = "➕ Dodano do Twojego planu: {title}."
PLAN_ALREADY = "To już jest w Twoim planie: {title}."
PLAN_REMOVED = "➖ Usunięto z Twojego planu: {title}."
PLAN_NOT_THERE = "Tego nie było w Twoim planie: {title}."
PLAN_OVERLAP = "⚠️ Nakładają się: {first} ({first_time}) i {second} ({second_time})."
PLAN_GONE = "Tego punktu nie ma już w programie, więc nie ma go też w Twoim planie."
PLAN_ADD_BUTTON = "➕ Dodaj do planu"
PLAN_REMOVE_BUTTON = "➖ Usuń z planu"
PLAN_ICS_BUTTON = "📅 Plan do kalendarza (.ics)"
PLAN_ICS_CAPTION = "Twój plan jako plik kalendarza — otwórz go w telefonie albo w Outlooku."

ADMIN_ONLY = "Ta komenda jest tylko dla organizatorów."
ANNOUNCE_USAGE = "Użycie: /ogloszenie TREŚĆ — pokażę podgląd i zapytam, czy wysłać."
ANNOUNCE_PREVIEW = "Podgląd ogłoszenia (odbiorcy: {count}):"
ANNOUNCE_SEND = "📢 Wyślij do wszystkich"
ANNOUNCE_SEND_SHORT = "📢 Wyślij"  # a Messenger quick reply has 20 characters
ANNOUNCE_SENDING = "📢 Wysyłam…"
YOUR_ID = (
    "Twój identyfikator w tej rozmowie: {id}. Jeśli organizujesz wydarzenie, dopisz go do "
    "MESSENGER_ADMIN_IDS — będziesz mieć tu polecenia organizatorów (/statystyki, /przeladuj, /ogloszenie)."
)
ANNOUNCE_CANCEL = "Anuluj"
ANNOUNCE_CANCELLED = "Ogłoszenie anulowane — nic nie wysłałem."
ANNOUNCE_DONE = "Ogłoszenie wysłane. Doszło: {sent}, nie doszło: {failed}."
ANNOUNCE_SILENT = (
    "Osoby w Messengerze, które nie pisały od ponad 24 godzin: {count} — do nich nie wyślę "
    "(chyba że włączysz MESSENGER_EVENT_UPDATE_TAG)."
)
ANNOUNCE_WITHHELD = "Niewysłane w Messengerze (poza oknem 24 godzin): {count}."
ANNOUNCE_ALREADY = "To ogłoszenie już zostało wysłane."
RELOAD_FAILED = "Plik z danymi ma błędy ({count}) — zostaje poprzedni program:"
RELOAD_DONE = (
    "Dane wczytane. Punkty programu: {sessions}, zaplanowane przypomnienia: {jobs}. "
    "Zmiany w programie: {changes}; powiadomione osoby, które miały je w planie: {notified}."
)


def event_genitive(conference: Conference) -> str:
    """ "kongresu „X”", "festiwalu „Y”": the noun in the genitive, then the name."""
    return f"{conference.noun.genitive} „{conference.event.label}”"


def travel_plurals(conference: Conference) -> list[str]:
    """The plurals of the travel kinds the programme has: ["wizyty studyjne"]."""
    return [kind.plural for kind in conference.travel_kinds]


def help_intro(conference: Conference) -> str:
    return HELP_INTRO.format(event=event_genitive(conference))


def greeting(conference: Conference) -> str:
    return GREETING.format(event=event_genitive(conference))


def greeting_more(conference: Conference) -> str:
    topics = ["program", *travel_plurals(conference), "dojazd"]
    return GREETING_MORE.format(topics=", ".join(topics) + " albo kontakt")


def messenger_greeting(conference: Conference) -> str:
    topics = ["program", *travel_plurals(conference), "dojazd"]
    return MESSENGER_GREETING.format(
        event=event_genitive(conference), topics=", ".join(topics) + " i przypomnienia"
    )


def pick_day(conference: Conference) -> str:
    return PICK_DAY.format(event=event_genitive(conference))


def console_welcome(conference: Conference) -> str:
    return CONSOLE_WELCOME.format(event=event_genitive(conference))


def farewell(conference: Conference) -> str:
    return FAREWELL.format(event=conference.noun.locative)


def travel_title(conference: Conference) -> str | None:
    """What /wizyty lists, in the event's words ("Wizyty studyjne"); None when it has no such kind."""
    kinds = travel_plurals(conference)
    return ", ".join(kinds).capitalize() if kinds else None


# Organisers sending a data file to the bot (handlers/uploads.py, handlers/reports.py).
UPLOAD_TOO_BIG = (
    "Ten plik jest za duży: {size}, a limit to {limit} (BOT_DATA_MAX_MB; Telegram pozwala botom pobrać "
    "najwyżej 20 MB). Nic nie zmieniłem."
)
UPLOAD_SIZE_UNKNOWN = "Nie znam rozmiaru tego pliku, więc go nie pobieram — wyślij go jeszcze raz jako plik."
UPLOAD_NOT_DOWNLOADED = (
    "Nie udało się pobrać tego pliku z Telegrama — wyślij go jeszcze raz. Nic nie zmieniłem."
)
UPLOAD_YAML_FOR_EXPORT = (
    "Bot czyta dane z eksportu programu ({target}), a nie z pliku YAML — wyślij plik w tym samym formacie."
)
UPLOAD_NO_SOURCE = (
    "Program jest w samym pliku {target}, nie w osobnym eksporcie — wyślij cały plik YAML "
    "(albo wskaż eksport w programme.source)."
)
UPLOAD_URL_SOURCE = (
    "Program pochodzi z adresu {url} — zmień go tam; bot sam sprawdza ten adres co kilka minut. "
    "Nic nie zmieniłem."
)
UPLOAD_OTHER_FORMAT = (
    "Program jest w pliku {target}, a ten plik to {title} — wyślij plik w formacie pliku {target}."
)
UPLOAD_OUTSIDE = "Program jest w pliku {target} poza katalogiem danych — taki plik podmień na serwerze."
UPLOAD_NOT_STAGED = "Nie mogę zapisać pliku obok {target}: {problem}. Nic nie zmieniłem."
UPLOAD_PROBLEMS = "Plik {name} ma błędy ({count}) — nic nie zmieniłem:"
UPLOAD_SAME = "Plik {name} jest taki sam jak obecny {target} — nie ma czego zmieniać."
UPLOAD_PREVIEW = "📄 Plik {name} jest poprawny. Po zastosowaniu zastąpi {target}."
UPLOAD_SESSIONS = "Punkty programu: {after} (teraz: {before})."
UPLOAD_NO_CHANGES = "W programie nic się nie zmienia: te same punkty, godziny, miejsca i tytuły."
UPLOAD_NOBODY = "Nikt nie ma zmienionych punktów w planie — nikt nie dostanie powiadomienia."
UPLOAD_ASK = "Zastosować? Przycisk działa przez 30 minut."
UPLOAD_APPLY = "✅ Zastosuj"
UPLOAD_CANCEL = "Anuluj"
UPLOAD_APPLIED = "✅ Plik {name} zastąpił {target}."
UPLOAD_KEPT = "Poprzednia wersja leży obok jako {previous}."
UPLOAD_RESTORED = "Przywróciłem poprzedni plik {target} — obowiązuje dotychczasowy program."
UPLOAD_FAILED = "Nie udało się podmienić pliku {target}: {problem}. Nic nie zmieniłem."
UPLOAD_CHANGED = (
    "Plik {target} zmienił się od podglądu — nic nie zastosowałem. Wyślij plik jeszcze raz, "
    "żeby zobaczyć zmiany względem obecnej wersji."
)
UPLOAD_ALREADY = "Ten plik już został zastosowany."
UPLOAD_GONE = (
    "Ten plik nie czeka już na zatwierdzenie (minęło 30 minut albo został anulowany) — wyślij go jeszcze raz."
)
UPLOAD_DROPPED = "Anulowane — plik {name} nie został zastosowany, nic się nie zmieniło."
