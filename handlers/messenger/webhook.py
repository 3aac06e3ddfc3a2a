"""`GET` and `POST /messenger/webhook`: Meta's verification handshake, and signed events in.

Every POST must carry `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` made with
the app secret; anything else is refused before the body is even parsed. Events are acknowledged
at once (Meta expects a 200 within seconds and retries otherwise) and answered afterwards.

Anyone on the internet can reach this endpoint, so nothing it is sent may cost more than the body
cap in memory, raise, or be answered with a 5xx: a body over 1 MB is refused with 413 while it
streams in, a signed body that is not JSON gets 400, and a signed JSON body of any other shape is
acknowledged with 200 and yields only the events that make sense (events.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Sequence
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from handlers.body import BodyRefused, parse_json, read_body
from handlers.messenger.events import Incoming, incoming

logger = logging.getLogger(__name__)
WEBHOOK_PATH = "/messenger/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """True only for `sha256=` + the exact HMAC of these bytes; compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256=").strip().lower().encode(), expected.encode())


def messenger_routes(
    dispatch: Callable[[Sequence[Incoming]], None], app_secret: str, verify_token: str
) -> list[Route]:
    async def verify(request: Request) -> Response:
        """Meta's handshake when the webhook is set up: echo the challenge if the token is ours."""
        query = request.query_params
        token = query.get("hub.verify_token", "")
        if (
            query.get("hub.mode") == "subscribe"
            and hmac.compare_digest(token.encode(), verify_token.encode())
            and "hub.challenge" in query
        ):
            return PlainTextResponse(query["hub.challenge"])
        logger.warning("Messenger webhook verification refused")
        return Response(status_code=HTTPStatus.FORBIDDEN)

    async def receive(request: Request) -> Response:
        try:
            body = await read_body(request)
        except BodyRefused as refused:
            logger.warning("Messenger webhook: body refused (%s), dropped", refused.reason)
            return refused.response
        if not signature_valid(body, request.headers.get(SIGNATURE_HEADER), app_secret):
            logger.warning("Messenger webhook: missing or wrong signature, dropped")
            return Response(status_code=HTTPStatus.FORBIDDEN)
        try:
            data = parse_json(body)
        except ValueError:
            logger.warning("Messenger webhook: signed body is not JSON (%d bytes), dropped", len(body))
            return Response(status_code=HTTPStatus.BAD_REQUEST)
        dispatch(incoming(data))
        return PlainTextResponse("EVENT_RECEIVED")

    return [
        Route(WEBHOOK_PATH, verify, methods=["GET"]),
        Route(WEBHOOK_PATH, receive, methods=["POST"]),
    ]
