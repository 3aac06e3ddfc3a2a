"""Reading a question as a frame — what is asked, about what, and when — and answering from it.

One question is analysed (bot/analysis.py), its time read (bot/timeexpr.py) and the event's named
things found in it (bot/entities.py: sessions, people, rooms, kinds, tracks, places…). The cue
scores (bot/intents.py) say roughly what kind of question it is. `reading` puts these together into
a `Frame` whose topic says which answer it gets; `answering` composes that answer from the data, so a
person, a room, a kind, a time and a relation to another session combine without a rule for each
combination, and the common cases (now, next, a day, a session's card, the venue, an FAQ entry) are
frames too. Only the conversation's own acts — greetings, thanks, help, reminder settings and "I am
not sure" — are left to the assistant (bot/assistant.py). `glossary` (bot/glossary.py) lets foreign
titles answer to Polish topic words; `english` reads simple English as Polish.
"""

from bot.understanding.frame import Ask, Frame, Relation
from bot.understanding.reading import read_frame

__all__ = ["Ask", "Frame", "Relation", "read_frame"]
