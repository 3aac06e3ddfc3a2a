"""Polish words for the topic words of programme titles in other languages.

International events title their sessions in English, French or German, and Polish attendees ask
about them in Polish: "wykład o hakowaniu pralek" means „Hacking washing machines”, "walne
zgromadzenie" „Assemblée générale”. This is a general bilingual glossary of the words titles are
made of (technology, science, society, culture), nothing of any one event: each title word found
here also answers to its Polish words in the topic index (bot/entities.py).

Each line: foreign forms (a comma between forms, words of a phrase separated by spaces) `=` Polish
words (a comma between alternatives; every word of an alternative must be asked for).
Words naming the kinds of sessions (talk, workshop, concert) are left out: kinds are the event's.
"""

from __future__ import annotations

from functools import lru_cache

from bot.text import fold

_GLOSSARY = """
security, secure, sécurité, sicherheit, sicher = bezpieczeństwo, bezpieczny
privacy, vie privée, datenschutz, privatsphäre = prywatność
safety = bezpieczeństwo
hacking, hack, hacken, hacker, hackers = hakowanie, haker, hakować
washing machine, waschmaschine, machine à laver = pralka
fridge, refrigerator, kühlschrank = lodówka
kitchen, küche, cuisine = kuchnia
cable, cables, kabel, câble, câbles = kabel
rebellion, rebellions, rébellion = rebelia, bunt
kangaroo, känguru = kangur, kangurowy
jahresrückblick, year in review, review of the year, rückblick = przegląd, podsumowanie
datenschutz, data protection, protection des données = ochrona danych
ds gvo, dsgvo, gdpr, rgpd = rodo
theatre, theater, théâtre = teatr, przedstawienie
celestial, stars, star, sterne, étoiles = gwiazda, gwiazdy
cardiac, heart, herz, coeur, cœur = serce, serca
implant, implants, implantable, implantate = implant, implanty
undersea, submarine, seekabel = podmorski
africa, afrika, afrique, african = afryka, afrykański
asia, asien, asie = azja
teaching, teach, lehren, enseigner, enseignement = uczenie, nauczanie, uczyć
learning, learn, lernen, apprendre = nauka, uczenie
pinball, pinball machine, flipper, flipperautomat, flipperautomaten = flipper, flipery
old, alte, alter, alten, vieux, vieille = stary
noodles, nudeln, pasta = makaron
machine learning, apprentissage automatique, maschinelles lernen = uczenie maszynowe
artificial intelligence, intelligence artificielle, künstliche intelligenz, ai, ki, ia = sztuczna inteligencja
neural network, neural networks = sieć neuronowa
database, databases, base de données, datenbank = baza danych
data, données, daten = dane
open data = otwarte dane
open source = otwarte oprogramowanie, open source
software, logiciel = oprogramowanie
hardware = sprzęt
computer, computers, ordinateur, rechner = komputer
smartphone, smartphones, handy = smartfon
mobile = mobilny
cloud = chmura
encryption, cryptography, crypto, chiffrement, verschlüsselung = szyfrowanie, kryptografia
surveillance, überwachung = inwigilacja, nadzór, inwigilować
police, polizei = policja
spyware = oprogramowanie szpiegujące
censorship, zensur, censure = cenzura
democracy, démocratie, demokratie = demokracja
freedom, liberté, freiheit = wolność
rights, human rights, droits, rechte, menschenrechte = prawa, prawa człowieka
law, laws, loi, gesetz, recht, legal = prawo
court, courts, gericht, tribunal = sąd
government, gouvernement, regierung = rząd
europe, european, europa, europäische, europe = europa, unia europejska
fascism, faschismus, fascisme, antifaschistisch = faszyzm
climate, klima, climat = klimat
energy, énergie, energie = energia
power = zasilanie
environment, umwelt, environnement = środowisko
health, gesundheit, santé, gesundheitssystem = zdrowie
medicine, medicines, medical, médecine, medizin, medizinischen = medycyna, lek
children, kids, child, kinder, enfants = dzieci, dziecko
women, frauen, femmes = kobiety
education, bildung, éducation, school, schule, école = edukacja, szkoła
university, universität, université = uniwersytet, uczelnia
science, wissenschaft, scientific = nauka
research, forschung, recherche = badania
future, zukunft, avenir = przyszłość
space, weltraum, espace = kosmos
moon, mond, lune = księżyc
satellite, satellites = satelita
rocket, rockets, rakete = rakieta
mission = misja
chemistry, chemie, chimie = chemia
physics, physik, physique = fizyka
mathematics, math, maths, mathematik = matematyka
biology, biologie = biologia
robot, robots, roboter = robot
drone, drones, drohne = dron
music, musik, musique = muzyka
art, kunst = sztuka
film, films, movie, cinema = film
photography, photographic, photo = fotografia, zdjęcie
radio, amateurfunk = radio
satellite tv, television, fernsehen = telewizja
keyboard, keyboards, clavier, tastatur = klawiatura
printer, printers, drucker, imprimante = drukarka
camera, cameras, kamera = kamera, aparat
bluetooth = bluetooth
money, geld, argent = pieniądze
bank, banking, banque = bank
fraud, betrug, fraude = oszustwo
voting, vote, abstimmung = głosowanie
general assembly, assemblée générale, mitgliederversammlung = walne zgromadzenie
community, communities, communauté, gemeinschaft = społeczność
beginner, beginners, newbies, débutant, débutants, einsteiger = początkujący
introduction, einführung, introduction à = wprowadzenie
testing, test, tests, tester = testowanie, test
debugging, debug, débogage = debugowanie
performance, optimizing, optimisation, optimization = wydajność, optymalizacja
documentation, docs = dokumentacja
packaging, packages, package, paquet = pakowanie, pakiet, paczka
typing, types, type hints = typowanie, typy
async, asyncio, asynchronous = asynchroniczny, asynchroniczność
concurrency, parallelism = współbieżność
memory, mémoire, speicher = pamięć
compiler, compilers, compilateur = kompilator
parser, parsing = parser, parsowanie
text = tekst
image, images, imaging, bild = obraz, obrazy
video, vidéo = wideo
sound, audio, son = dźwięk
synthesizer, synthesizers = syntezator
migration, migrations = migracja
deployment, deploy, déploiement = wdrożenie, wdrażanie
monitoring, observability = monitorowanie
scraping = scraping
visualisation, visualization, visualisation de données = wizualizacja
dashboard, dashboards = dashboard, pulpit
api, apis = api
automation, automatisation, automatisierung = automatyzacja
infrastructure, infrastruktur = infrastruktura
architecture, architektur = architektura
design = projektowanie, design
career, careers, carrière = kariera
company, companies, entreprise, firma = firma
startup, startups = startup
public, publiques, öffentlich = publiczny
identity, identité, identität = tożsamość
migration policy, asylum, asyl = azyl, migracja
deportation, abschiebung = deportacja
protest, protests = protest
war, wars, krieg, guerre = wojna
disaster, catastrophe, katastrophe = katastrofa
forest, forests, wald, wälder, forêt = las, lasy
tree, trees, bäume, arbre = drzewo, drzewa
animal, animals, tiere = zwierzęta
cat, cats, katze, chat = kot
ears, ohren = uszy
podcast, podcasts = podcast
book, books, buch, livre = książka
library, libraries, bibliothèque, bibliothek = biblioteka
news, nachrichten = wiadomości
media, médias, medien = media
social media = media społecznościowe
kenya, kenyans = kenia
afghanistan, afghanische = afganistan
moon landing = lądowanie na księżycu
repair, reparatur, réparation = naprawa, naprawianie
soldering, solder, löten = lutowanie
electronics, elektronik, électronique = elektronika
microcontroller, microcontrollers = mikrokontroler
3d printing, 3d printer = druk 3d, drukarka 3d
vulnerability, vulnerabilities, exploit, exploits = podatność, luka, exploit
bug, bugs = błąd, błędy
reverse engineering = inżynieria wsteczna
firmware = oprogramowanie układowe, firmware
chip, chips = chip, układ
"""


def _entries() -> list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    found = []
    for line in _GLOSSARY.strip().splitlines():
        foreign, _sep, polish = line.partition("=")
        forms = tuple(fold(form) for form in foreign.split(",") if fold(form))
        meanings = tuple(tuple(p.split()) for p in polish.split(",") if p.strip())
        found.append((forms, meanings))
    return found


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[tuple[str, ...], ...]]:
    """A foreign form (folded; a phrase's words joined by spaces) → its Polish words."""
    table: dict[str, tuple[tuple[str, ...], ...]] = {}
    for forms, meanings in _entries():
        for form in forms:
            table[form] = table.get(form, ()) + meanings
    return table


LONGEST = 3  # words in the longest phrase


def _singular(word: str) -> tuple[str, ...]:
    """An English or French plural's likely singulars: "machines" → "machine", "bodies" → "body"."""
    if word.endswith("ies") and len(word) > 4:
        return (word, word[:-3] + "y")
    if word.endswith("s") and len(word) > 3:
        return (word, word[:-1])
    return (word,)


def polish_words(title: str) -> list[str]:
    """The Polish words the glossary gives for a title's words and phrases (each word, once)."""
    table = glossary()
    tokens = fold(title).split()
    found: list[str] = []
    for size in range(LONGEST, 0, -1):
        for start in range(len(tokens) - size + 1):
            phrase = tokens[start : start + size]
            *head, last = phrase
            for form in _singular(last):
                meanings = table.get(" ".join([*head, form]))
                if meanings:
                    found.extend(w for meaning in meanings for w in meaning if w not in found)
                    break
    return found
