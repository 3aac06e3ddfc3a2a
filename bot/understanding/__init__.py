"""Reading a question as a frame — what is asked, about what, and when — and answering from it.

One question is analysed (bot/analysis.py), its time read (bot/timeexpr.py) and the event's named
things found in it (bot/entities.py: sessions, people, rooms, kinds, tracks, places…). The cue
scores (bot/intents.py) say roughly what kind of question it is. `reading` puts these together into
a `Frame`; `answering` composes the answer from the data for that frame, so a person, a room, a kind,
a time and a relation to another session combine without a rule for each combination. Frames the
general answers already cover (now, next, a day, the venue…) go back to them.
"""

from bot.understanding.frame import Ask, Frame, Relation
from bot.understanding.reading import read_frame

__all__ = ["Ask", "Frame", "Relation", "read_frame"]
