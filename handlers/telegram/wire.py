"""Bot API calls given as their JSON, for the one call every answer makes.

PTB's `send_message` converts each argument object to a dict, and parses the sent message that
Telegram returns into a `Message` (a chat, a user, entities, the keyboard…). Nothing of ours reads
that message back, and on this machine parsing it cost about a tenth of the CPU of an answer
(bench/bench_telegram.py). The call still goes through the bot's own request object, so retries
(handlers/telegram/request.py), timeouts and PTB's mapping of error answers to exceptions
(`Forbidden` for a blocked bot, `RetryAfter`, `BadRequest`) are the same as for `send_message`.

PTB warns against using `Bot.request` by hand because its methods also apply `Defaults`, a rate
limiter and arbitrary callback data; the bots built here use none of them
(tests/handlers/telegram/test_wire.py checks that they stay unused). `RequestParameter` is PTB's
internal class, the only way to fill a `RequestData`; the test sends through it against the fake
Bot API, so a change in it shows there.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter


def wire_data(parameters: dict[str, Any]) -> RequestData:
    """Request data of values already in the Bot API's JSON form (no files, no objects)."""
    return RequestData([RequestParameter(name, value, None) for name, value in parameters.items()])


async def post(bot: Bot, method: str, parameters: dict[str, Any]) -> Any:
    """Call `method` with `parameters` (JSON values); the API's `result`, not parsed into objects."""
    return await bot.request.post(f"{bot.base_url}/{method}", request_data=wire_data(parameters))
