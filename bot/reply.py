"""Channel-agnostic replies: marked-up text, follow-up suggestions, a location, links."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Style(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style. Text is raw; each channel escapes it when rendering."""

    text: str
    style: Style = Style.PLAIN
    url: str | None = None


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A follow-up the user can tap: `label` is shown, `question` is what gets asked."""

    label: str
    question: str


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    title: str
    address: str
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Reply:
    lines: tuple[Line, ...]
    suggestions: tuple[Suggestion, ...] = ()
    location: Location | None = None
    links: tuple[Link, ...] = ()
    subject: str | None = None  # the session this reply is about (channels offer "add to my plan")

    @property
    def plain_text(self) -> str:
        return render_plain(self)


def bold(text: str) -> Span:
    return Span(text, Style.BOLD)


def italic(text: str) -> Span:
    return Span(text, Style.ITALIC)


def link(text: str, url: str) -> Span:
    return Span(text, Style.LINK, url)


@dataclass
class ReplyBuilder:
    """Collects lines; plain strings become plain spans."""

    lines: list[Line] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    location: Location | None = None
    links: list[Link] = field(default_factory=list)
    subject: str | None = None

    def line(self, *parts: str | Span) -> ReplyBuilder:
        self.lines.append(tuple(p if isinstance(p, Span) else Span(p) for p in parts if p != ""))
        return self

    def blank(self) -> ReplyBuilder:
        if self.lines and self.lines[-1]:
            self.lines.append(())
        return self

    def suggest(self, label: str, question: str | None = None) -> ReplyBuilder:
        label = whole_words(label, question or label)
        if all(s.label != label for s in self.suggestions):
            self.suggestions.append(Suggestion(label, question or label))
        return self

    def add_link(self, title: str, url: str) -> ReplyBuilder:
        if all(existing.url != url for existing in self.links):
            self.links.append(Link(title, url))
        return self

    def build(self) -> Reply:
        lines = list(self.lines)
        while lines and not lines[-1]:
            lines.pop()
        return Reply(tuple(lines), tuple(self.suggestions), self.location, tuple(self.links), self.subject)


CUT_LABEL = 20  # the shortest length labels are cut to (a Messenger quick reply's title)


def whole_words(label: str, question: str) -> str:
    """A label cut from its question's words mid-word ("Centra Aktywności Ku" of "…Kulturalnej")
    back to its last whole word with "…": a label is cut at a word, never inside one."""
    at = question.lower().find(label.lower())
    if len(label) < CUT_LABEL or at < 0 or (at > 0 and question[at - 1].isalnum()):
        return label
    after = question[at + len(label) : at + len(label) + 1]
    if not (after.isalnum() and label[-1:].isalnum()) or " " not in label:
        return label
    return label[: label.rfind(" ")].rstrip(' ,.:;–—-„"(') + "…"


def with_notice(reply: Reply, notice: str) -> Reply:
    """The reply with a line of explanation before it."""
    return replace(reply, lines=((Span(notice),), (), *reply.lines))


def render_plain(reply: Reply) -> str:
    """Plain text for the console, the CLI and logs: links shown as "text (url)", except an address
    that is its own link ("x@y.pl", not "x@y.pl (mailto:x@y.pl)")."""
    out = []
    for line in reply.lines:
        parts = []
        for span in line:
            url = span.url
            if (
                span.style is Style.LINK
                and url
                and url not in (span.text, f"mailto:{span.text}", f"tel:{span.text}")
            ):
                parts.append(f"{span.text} ({url})")
            else:
                parts.append(span.text)
        out.append("".join(parts))
    return "\n".join(out)
