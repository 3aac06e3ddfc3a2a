from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reply import Reply, ReplyBuilder, Span, Style, bold, link
from handlers.telegram.callbacks import CALLBACK_LIMIT, CallbackCodec
from handlers.telegram.render import MESSAGE_LIMIT, keyboard, split_html, utf16_length
from tests.handlers.telegram.conftest import parse_telegram_html

styles = st.sampled_from([Style.PLAIN, Style.BOLD, Style.ITALIC])
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("<>&\"' ąę😀"), max_size=300
)
spans = st.builds(Span, texts, styles)
lines = st.lists(st.lists(spans, max_size=4).map(tuple), max_size=40).map(tuple)


def _words(text: str) -> list[str]:
    return text.split()


@settings(max_examples=150, deadline=None)
@given(lines, st.integers(min_value=40, max_value=400))
def test_split_keeps_every_word_in_order_valid_and_under_the_limit(content, limit) -> None:  # type: ignore[no-untyped-def]
    chunks = split_html(content, limit)
    assert all(utf16_length(c) <= limit for c in chunks)
    visible = " ".join(parse_telegram_html(c) for c in chunks)
    original = " ".join("".join(s.text for s in line) for line in content)
    # Long words may be cut into pieces, so compare the characters without whitespace.
    assert "".join(visible.split()) == "".join(original.split())


def test_short_reply_is_one_message_with_lines_kept() -> None:
    reply = ReplyBuilder().line(bold("Program"), " na dziś").line("• 15:00 wizyta").build()
    assert split_html(reply.lines) == ["<b>Program</b> na dziś\n• 15:00 wizyta"]


def test_splits_between_lines_before_cutting_a_line() -> None:
    line = ("x" * 3000,)
    chunks = split_html(((Span(line[0]),), (Span("y" * 3000),)))
    assert chunks == ["x" * 3000, "y" * 3000]


def test_emoji_count_twice_toward_the_limit() -> None:
    chunks = split_html(((Span("😀 " * 3000),),))
    assert len(chunks) == 3  # 9,000 UTF-16 units, though only 6,000 characters
    assert all(utf16_length(c) <= MESSAGE_LIMIT for c in chunks)


def test_links_are_escaped_in_href_and_text() -> None:
    [html] = split_html(((link('a "b" <c>', 'https://x.org/?a=1&b="2"'),),))
    assert html == '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">a "b" &lt;c&gt;</a>'


def test_keyboard_suggestions_two_per_row_and_links_as_url_buttons() -> None:
    out = ReplyBuilder()
    for label in ("Jeden", "Dwa", "Trzy"):
        out.suggest(label, f"pytanie {label}")
    out.add_link("Mapa", "https://maps.example.org")
    markup = keyboard(out.build(), CallbackCodec())
    assert markup is not None
    rows = markup.inline_keyboard
    assert [len(r) for r in rows] == [2, 1, 1]
    assert rows[-1][0].url == "https://maps.example.org"


def test_keyboard_is_none_without_suggestions() -> None:
    assert keyboard(Reply(((Span("x"),),)), CallbackCodec()) is None


def test_long_question_goes_through_the_table_and_stays_under_64_bytes() -> None:
    codec = CallbackCodec(capacity=2)
    from handlers.telegram.callbacks import Action

    question = "jak dojechać z dworca Kraków Główny na Zabłocie z bagażem i rowerem?"
    data = codec.encode(Action.ASK, question)
    assert len(data.encode()) <= CALLBACK_LIMIT
    decoded = codec.decode(data)
    assert decoded is not None and decoded.payload == question
    assert codec.encode(Action.ASK, question) == data  # deterministic
    codec.encode(Action.ASK, question + " 1")
    codec.encode(Action.ASK, question + " 2")
    assert codec.decode(data) is None  # evicted: the caller falls back to the button's label
    assert codec.decode("q:co dalej?") is not None
    assert codec.decode("garbage") is None and codec.decode("z:1") is None
