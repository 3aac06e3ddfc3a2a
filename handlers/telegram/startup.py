"""Starting PTB when Telegram may not be reachable yet, and stopping it again.

A service that exits because the network was down at boot is a service that is down until someone
notices. Every network call PTB makes at start — getMe (Application.initialize), setMyCommands
(post_init), deleteWebhook (polling) or setWebhook, and the fan-out bot's getMe — is retried here
with capped, jittered backoff, one WARNING line per attempt, until it works. Only a token Telegram
rejects stops the bot (`InvalidToken`), and a webhook address it refuses (`WebhookRefused`).
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.backoff import Backoff, pause, unless_stopped
from bot.config import Settings
from bot.logs import one_line
from handlers.telegram.app import TelegramApp, webhook_url
from handlers.telegram.notifier import flood_seconds
from handlers.telegram.request import RetryingRequest

logger = logging.getLogger(__name__)

# PTB's updater waits 1 s after a failed getUpdates, then 1.5 times longer each time, up to 30 s.
POLL_FIRST_WAIT = 1.0
POLL_MAX_WAIT = 30.0
# Failures further apart than this are not one outage (PTB waits at most 30 s between tries, and
# a failing request ends within its connect timeout): the count starts again.
POLL_QUIET = 75.0


class WebhookRefused(Exception):
    """Telegram refused TELEGRAM_WEBHOOK_URL (not HTTPS, an unknown host, a bad port…)."""


class _Start:
    """One attempt at every network call of the start, remembering which one is under way."""

    def __init__(self, application: TelegramApp, webhook: Settings | None, fanout: Bot | None) -> None:
        self.application = application
        self.webhook = webhook
        self.fanout = fanout
        self.step = "getMe"

    async def attempt(self, poll_timeout: float) -> None:
        application = self.application
        self.step = "getMe"
        await application.initialize()  # getMe; it checks the token, too
        if application.post_init is not None:
            # PTB calls post_init only from its own run_* loops; we run the loop ourselves.
            self.step = "setMyCommands"
            await application.post_init(application)
        if self.fanout is not None:
            self.step = "getMe (fan-out bot)"
            await self.fanout.initialize()
        if self.webhook is not None:
            self.step = "setWebhook"
            try:
                await application.bot.set_webhook(
                    url=webhook_url(self.webhook),
                    secret_token=self.webhook.webhook_secret(),
                    allowed_updates=Update.ALL_TYPES,
                )
            except BadRequest as exc:
                raise WebhookRefused(str(exc)) from None
            return
        assert application.updater is not None
        # Polling must find no webhook set. The updater would delete it too, but only once (more
        # retries there would be silent); here a failure is retried with everything else.
        self.step = "deleteWebhook"
        await application.bot.delete_webhook()
        self.step = "getUpdates"
        await application.updater.start_polling(
            timeout=int(poll_timeout),
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=0,
            error_callback=PollingTrouble(),
        )


def _single_attempts(*bots: Bot | None) -> list[tuple[RetryingRequest, int]]:
    """Our retrying request layers set to one attempt per call; what they had, to set back."""
    requests = [b.request for b in bots if b is not None and isinstance(b.request, RetryingRequest)]
    saved = [(request, request.attempts) for request in requests]
    for request in requests:
        request.attempts = 1
    return saved


async def start_telegram(
    application: TelegramApp,
    webhook: Settings | None = None,
    fanout: Bot | None = None,
    stop: asyncio.Event | None = None,
    poll_timeout: float = 30,
    backoff: Backoff | None = None,
) -> None:
    """PTB up and running (polling started, or the webhook set), however long Telegram takes.

    Raises `InvalidToken` when Telegram rejects the token, `WebhookRefused` when it refuses the
    webhook address, `Stopped` when `stop` is set while waiting.
    """
    backoff = backoff or Backoff()
    start = _Start(application, webhook, fanout)
    # Our request layer's own retries (five quick ones) would only stretch each attempt here and
    # log four lines more; the backoff below is the one that counts at start.
    saved = _single_attempts(application.bot, fanout)
    try:
        while True:
            try:
                await unless_stopped(start.attempt(poll_timeout), stop)
                break
            except BadRequest:
                raise  # a mistake of ours, not the network: waiting will not help
            except RetryAfter as exc:
                delay = max(flood_seconds(exc), backoff.next_delay())
                problem = f"flood wait {flood_seconds(exc):.0f} s"
            except NetworkError as exc:  # includes timeouts; a 5xx comes as one too
                delay = backoff.next_delay()
                problem = one_line(exc)
            logger.warning(
                "Telegram not reachable: %s failed (%s), attempt %d, next try in %.1f s",
                start.step,
                problem,
                backoff.attempts,
                delay,
            )
            await pause(delay, stop)
    finally:
        for request, attempts in saved:
            request.attempts = attempts
    await application.start()
    if backoff.attempts:
        logger.warning("Telegram reachable after %d attempts", backoff.attempts + 1)


async def stop_telegram(application: TelegramApp, fanout: Bot | None = None) -> None:
    """Stop whatever of PTB is running and close its connections, however far the start got."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    await application.bot.shutdown()  # a start cut short leaves the bot's clients open
    if fanout is not None:
        await fanout.shutdown()


class PollingTrouble:
    """PTB's updater calls this for each failed getUpdates, and retries by itself: one WARNING
    line each, instead of PTB's ERROR with a traceback every few seconds while Telegram is away.

    PTB does not tell when a poll succeeded in between, so failures closer than `POLL_QUIET`
    count as one outage; the wait said is then the longest PTB may take.
    """

    def __init__(self) -> None:
        self.failures = 0
        self.last = float("-inf")

    def __call__(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self.last > POLL_QUIET:
            self.failures = 0
        self.failures += 1
        self.last = now
        wait = min(POLL_FIRST_WAIT * 1.5 ** (self.failures - 1), POLL_MAX_WAIT)
        logger.warning(
            "Telegram getUpdates failed (%s), attempt %d, next try within %.1f s",
            one_line(exc),
            self.failures,
            wait,
        )
