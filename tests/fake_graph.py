"""An offline Graph API Send endpoint: answers like Messenger, records calls, fails on request.

It runs over HTTP on 127.0.0.1 in a thread (like tests/fake_telegram.py's FakeBotApiServer), so
the bot's real httpx client talks to it through HELPDESK_MESSENGER_GRAPH_URL.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.loopback import LoopbackServer

PAGE_TOKEN = "PAGE-TOKEN"


@dataclass
class GraphCall:
    access_token: str
    body: dict[str, Any]
    status: int


@dataclass
class FakeGraph:
    calls: list[GraphCall] = field(default_factory=list)
    failures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, status: int, code: int | None = None, message: str = "fake failure",
                  subcode: int | None = None) -> None:
        """The next message send (not a sender action) gets this answer."""
        error: dict[str, Any] = {"message": message, "type": "OAuthException",
                                 "fbtrace_id": "FAKE"}
        if code is not None:
            error["code"] = code
        if subcode is not None:
            error["error_subcode"] = subcode
        self.failures.append((status, {"error": error}))

    def succeed_next(self) -> None:
        """Let the next message send through: a failure queued after it hits a later one."""
        self.failures.append((200, {"message_id": f"m_{next(self._ids)}"}))

    def expire_token(self) -> None:
        self.fail_next(400, 190, "Error validating access token: Session has expired on "
                       "Friday, 01-Jan-21 00:00:00 PST.", subcode=463)

    def unreachable(self) -> None:
        self.fail_next(400, 551, "This person isn't available right now.", subcode=1545041)

    def answer(self, access_token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, answer = 200, {"recipient_id": body.get("recipient", {}).get("id", "")}
        if "message" in body and self.failures:
            status, answer = self.failures.pop(0)
        elif "message" in body:
            answer["message_id"] = f"m_{next(self._ids)}"
        self.calls.append(GraphCall(access_token, body, status))
        return status, answer

    def messages(self, psid: str | None = None, delivered: bool = True) -> list[dict[str, Any]]:
        """The message sends (to one person), by default only those that were accepted."""
        return [
            call.body for call in self.calls
            if "message" in call.body
            and (psid is None or call.body["recipient"]["id"] == psid)
            and (call.status == 200 or not delivered)
        ]

    def texts(self, psid: str | None = None) -> list[str]:
        return [body["message"]["text"] for body in self.messages(psid)]

    def sender_actions(self, psid: str | None = None) -> list[str]:
        return [
            call.body["sender_action"] for call in self.calls
            if "sender_action" in call.body
            and (psid is None or call.body["recipient"]["id"] == psid)
        ]


def quick_payloads(body: dict[str, Any]) -> list[str]:
    return [quick["payload"] for quick in body["message"].get("quick_replies", [])]


class FakeGraphServer(LoopbackServer):
    """The fake over HTTP on 127.0.0.1, in a thread; `graph_url` is what the bot is given."""

    def __init__(self, graph: FakeGraph) -> None:
        super().__init__()
        self.graph = graph
        self.graph_url = f"http://127.0.0.1:{self.port}/v21.0"

    async def _messages(self, request: Request) -> Response:
        status, body = self.graph.answer(
            request.query_params.get("access_token", ""), await request.json()
        )
        return JSONResponse(body, status_code=status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v21.0/me/messages", self._messages, methods=["POST"])])

    def __enter__(self) -> FakeGraphServer:
        super().__enter__()
        return self
