"""Webhook bodies read with a cap: an Update or a Messenger batch is a few kilobytes, so
nobody gets to make the process hold hundreds of megabytes, signed or not."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import ClientDisconnect, Request

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024  # bytes; Telegram's largest updates and Meta's batches are far smaller
BODY_SECONDS = 10.0  # a body that takes longer than this to arrive is a slow client: dropped


class TooLarge(Exception):
    """The body is over MAX_BODY (declared, or found while reading): answer 413."""


class Gone(Exception):
    """The client went away in the middle of its body: nobody is left to answer."""


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The whole body, refusing at once what declares more than `limit` and stopping as soon
    as a body without a length passes it."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise TooLarge
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise TooLarge
    except ClientDisconnect:
        log.info("a webhook client disconnected in the middle of its body")
        raise Gone from None
    except TimeoutError:
        log.info("a webhook body took over %.0f s to arrive; dropped", BODY_SECONDS)
        raise Gone from None
    return bytes(body)
