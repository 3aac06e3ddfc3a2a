"""Telegram updates as the Bot API sends them (JSON dicts), for the fake server and the webhook."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.telegram_api import BOT_ID, BOT_USERNAME

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
ALICE = 1001
GROUP = -100200300


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"Uczestnik {user_id}", "language_code": "pl"}


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"Uczestnik {chat_id}"}
    return {"id": chat_id, "type": "supergroup", "title": "Miejsca Otwarte — uczestnicy"}


def message(
    chat_id: int = ALICE,
    text: str | None = None,
    *,
    user_id: int | None = None,
    update_id: int | None = None,
    reply_to_bot: bool = False,
    edited: bool = False,
    **content: Any,
) -> dict[str, Any]:
    """A message update; commands and @mentions get their entities as Telegram marks them."""
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(user_id or (chat_id if chat_id > 0 else ALICE)),
        **content,
    }
    if text is not None:
        body["text"] = text
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        mention = f"@{BOT_USERNAME}"
        at = text.find(mention)
        if at >= 0 and not text.startswith("/"):
            entities.append(
                {"type": "mention", "offset": len(text[:at].encode("utf-16-le")) // 2, "length": len(mention)}
            )
        if entities:
            body["entities"] = entities
    if reply_to_bot:
        body["reply_to_message"] = {
            "message_id": 1,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Miejsca Otwarte", "username": BOT_USERNAME},
            "text": "poprzednia odpowiedź",
        }
    key = "edited_message" if edited else "message"
    if edited:
        body["edit_date"] = int(time.time())
    return {"update_id": update_id or next(_update_ids), key: body}


def callback(
    data: str, sent: dict[str, Any], chat_id: int = ALICE, user_id: int | None = None
) -> dict[str, Any]:
    """A tap on a button of a message the bot sent (`sent`: the message as the fake returned it)."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": _user(user_id or (chat_id if chat_id > 0 else ALICE)),
            "chat_instance": "42",
            "data": data,
            "message": sent,
        },
    }


def sticker(chat_id: int = ALICE) -> dict[str, Any]:
    return message(
        chat_id,
        sticker={
            "file_id": "CAADAgADQAADyIsGAAE7MpzFPFQX5QI",
            "file_unique_id": "AgADQAAD",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )


def photo(chat_id: int = ALICE) -> dict[str, Any]:
    size = {"file_id": "AgACAgIAAxk", "file_unique_id": "AQAD", "width": 90, "height": 90}
    return message(chat_id, photo=[size])


def voice(chat_id: int = ALICE) -> dict[str, Any]:
    return message(chat_id, voice={"file_id": "AwACAgIAAxk", "file_unique_id": "AgAD", "duration": 3})


def location(chat_id: int = ALICE) -> dict[str, Any]:
    return message(chat_id, location={"latitude": 50.047, "longitude": 19.96})


def contact(chat_id: int = ALICE) -> dict[str, Any]:
    return message(chat_id, contact={"phone_number": "+48500100200", "first_name": "Jan"})


def document(chat_id: int, sent: dict[str, Any], caption: str | None = None) -> dict[str, Any]:
    """A file sent as a document (`sent`: FakeBotApi.add_file's answer)."""
    extra: dict[str, Any] = {"caption": caption} if caption else {}
    return message(chat_id, document=sent, **extra)
