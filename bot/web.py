"""The one ASGI app: Telegram's webhook, Messenger's webhook, the web console, /healthz; each
when configured."""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.ext import Application

from bot.channels.bodies import Gone, TooLarge, read_body
from bot.channels.messenger import Messenger
from bot.channels.telegram.lanes import ChatLanes
from bot.runtime import Runtime
from bot.storage.db import ping

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_web_app(
    runtime: Runtime,
    telegram: Application | None,  # type: ignore[type-arg]
    messenger: Messenger | None = None,
    console: BaseRoute | None = None,
) -> Starlette:
    # Telegram's 200 confirms an update: it is sent only once the update is handled, so a
    # crash before that makes Telegram deliver it again (a repeat is skipped by the desk).
    # In chat lanes, as when polling: a teacher's quick messages keep their order, and one
    # slow turn does not hold the other chats.
    lanes = ChatLanes(telegram) if telegram is not None else None

    async def healthz(_request: Request) -> Response:
        if not await ping(runtime.database):
            return PlainTextResponse("database unreachable", status_code=503)
        return PlainTextResponse("ok")

    async def telegram_webhook(request: Request) -> Response:
        assert telegram is not None
        expected = runtime.settings.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if expected is None or not hmac.compare_digest(
            given.encode(), expected.get_secret_value().encode()
        ):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            data = json.loads(await read_body(request))
        except TooLarge:
            return PlainTextResponse("too large", status_code=413)
        except Gone:
            return PlainTextResponse("", status_code=400)
        except (ValueError, RecursionError):  # RecursionError: nested past any real Update
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return PlainTextResponse("not an update", status_code=400)
        try:
            update = Update.de_json(data, telegram.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return PlainTextResponse("not an update", status_code=400)
        assert lanes is not None
        await lanes.process(update)
        return PlainTextResponse("ok")

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    if telegram is not None:
        routes.append(Route("/telegram", telegram_webhook, methods=["POST"]))
    if messenger is not None:
        routes.append(Route("/messenger", messenger.verify, methods=["GET"]))
        routes.append(Route("/messenger", messenger.receive, methods=["POST"]))
    if console is not None:
        routes.append(console)
    return Starlette(routes=routes)
