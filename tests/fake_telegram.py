"""An offline Bot API: answers like Telegram, records every call, fails on request.

The same fake serves in-process tests (RecordingRequest, a PTB BaseRequest) and subprocess
tests (FakeBotApiServer, HTTP on 127.0.0.1 reached through HELPDESK_TELEGRAM_BASE_URL).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram.request import BaseRequest, RequestData

from tests.loopback import LoopbackServer, free_port

# Telegram's HTML subset: a message with any other tag, a bare "<" or "&", or tags that do
# not nest is refused with 400 "can't parse entities", as the real Bot API does.
ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a",
                          "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"})
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse this text as HTML, or None."""
    open_tags: list[str] = []
    rest = _TAG.sub("", _ENTITY.sub("", text))
    if "<" in rest or ">" in rest or "&" in rest:
        return "unsupported start tag or bare character"
    for closing, name in _TAG.findall(text):
        if name.lower() not in ALLOWED_TAGS:
            return f'unsupported start tag "{name}"'
        if not closing:
            open_tags.append(name.lower())
        elif not open_tags or open_tags.pop() != name.lower():
            return f'unmatched end tag "{name}"'
    return f'unclosed start tag "{open_tags[-1]}"' if open_tags else None  # fmt: skip


BOT_ID = 777000
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "ITPD help desk", "username": "itpd_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi:
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    forums: set[int] = field(default_factory=set)  # supergroups with topics
    members: set[int] = field(default_factory=set)  # who getChatMember says is in a group
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → content, for getFile
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(5000))
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, method: str, status: int, **response: Any) -> None:
        """The next call of `method` gets this HTTP status (429 with retry_after, 502...)."""
        body = {"ok": False, "error_code": status, "description": f"fake {status}", **response}
        self.failures.append((method, status, body))

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [
            params["text"]
            for params in self.sent()
            if chat_id is None or int(params["chat_id"]) == chat_id
        ]

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        return update

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        for index, (failing, status, body) in enumerate(self.failures):
            if failing == method:
                del self.failures[index]
                self.calls.append(Call(f"{method}!{status}", params))
                return status, body
        text = params.get("text", params.get("caption"))
        problem = html_problem(str(text)) if params.get("parse_mode") == "HTML" else None
        if problem is not None and text is not None:
            self.calls.append(Call(f"{method}!400", params))
            description = f"Bad Request: can't parse entities: {problem}"
            return 400, {"ok": False, "error_code": 400, "description": description}
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        return 200, {"ok": True, "result": self._result(method, params)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            ready = [u for u in self.updates if u["update_id"] >= offset]
            return ready[: int(params.get("limit") or 100)]
        if method in {"sendMessage", "sendPhoto", "sendDocument", "editMessageReplyMarkup"}:
            chat_id = int(params.get("chat_id", 1))
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "getChat":
            chat_id = int(params["chat_id"])
            return {"id": chat_id, "type": "supergroup", "title": "Staff",
                    "is_forum": chat_id in self.forums, "accent_color_id": 0,
                    "max_reaction_count": 0, "accepted_gift_types": {
                        "unlimited_gifts": False, "limited_gifts": False,
                        "unique_gifts": False, "premium_subscription": False,
                        "gifts_from_channels": False}}
        if method == "createForumTopic":
            return {"message_thread_id": next(self._message_ids), "name": params["name"],
                    "icon_color": 0}
        if method == "getFile":
            file_id = str(params["file_id"])
            return {"file_id": file_id, "file_unique_id": file_id,
                    "file_size": len(self.files.get(file_id, b"")), "file_path": file_id}
        if method == "getChatMember":
            user_id = int(params["user_id"])
            status = "member" if user_id in self.members else "left"
            return {"status": status, "user": {"id": user_id, "is_bot": False,
                                               "first_name": "X"}}
        return True


JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "commands", "link_preview_options"})


def _params(request_data: RequestData | None) -> dict[str, Any]:
    """The call's parameters; an uploaded file appears as its file name."""
    if request_data is None:
        return {}
    params = dict(request_data.parameters)
    if request_data.contains_files:
        params.update((name, upload[0]) for name, upload in request_data.multipart_data.items())
    return params


class RecordingRequest(BaseRequest):
    """PTB's network layer replaced by the fake; no socket is opened."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download: the file's bytes, not JSON
            path = url.rsplit("/", 1)[-1]
            self.api.calls.append(Call("download", {"file_path": path}))
            return 200, self.api.files[path]
        status, body = self.api.answer(url.rsplit("/", 1)[-1], _params(request_data))
        return status, json.dumps(body).encode()


class FakeBotApiServer(LoopbackServer):
    """The fake over HTTP on 127.0.0.1, in a thread, for a bot running as a process."""

    def __init__(self, api: FakeBotApi) -> None:
        super().__init__()
        self.api = api
        self.base_url = f"http://127.0.0.1:{self.port}/bot"

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        # PTB posts url-encoded forms when no file is attached (the tests attach none).
        form = parse_qsl((await request.body()).decode()) + list(request.query_params.items())
        params = {key: json.loads(value) if key in JSON_FIELDS else value for key, value in form}
        if method == "getUpdates":
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
            while time.monotonic() < deadline and not self.api.answer(method, params)[1]["result"]:
                await asyncio.sleep(0.05)
        status, body = self.api.answer(method, params)
        return JSONResponse(body, status_code=status)

    def app(self) -> Starlette:
        return Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )

    def __enter__(self) -> FakeBotApiServer:
        super().__enter__()
        return self


__all__ = ["BOT_ID", "FakeBotApi", "FakeBotApiServer", "RecordingRequest", "free_port"]
