"""Facebook Messenger: the webhook in, the Send API out, the same desk behind both.

Everything a Messenger teacher receives goes through the outbox, so Messenger's rules live in
one sender: the 24-hour window, the HUMAN_AGENT tag up to 7 days, retries on 5xx and rate
limits, and a stop on permanent errors. The webhook answers 200 at once, as Meta asks, and
works in the background; event ids are kept in the database because Meta redelivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Coroutine, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.channels.bodies import Gone, TooLarge, read_body
from bot.channels.telegram.render import split_text
from bot.config import Settings
from bot.desk import outbox, tickets
from bot.desk.engine import Desk
from bot.desk.messages import Attachment, Incoming, plain
from bot.desk.outbox import Payload
from bot.desk.questions import menu_buttons
from bot.i18n import _, use_language
from bot.runtime import OutageLog, database_down
from bot.storage.models import OutboxMessage, Person, ProcessedEvent, utcnow

log = logging.getLogger(__name__)
OUTAGE = OutageLog(log)

CHANNEL = "messenger"
SIGNATURE_HEADER = "X-Hub-Signature-256"
GET_STARTED = "GET_STARTED"  # the Get Started button's payload: the same as /start
TEXT_LIMIT = 2000  # characters in one Messenger text message
QUICK_REPLY_LIMIT = 13
TITLE_LIMIT = 20  # characters Messenger shows of a quick reply's title
RESPONSE_WINDOW = timedelta(hours=24)  # after the teacher's last message: anything may be sent
HUMAN_AGENT_WINDOW = timedelta(days=7)  # after that, only a person's reply, tagged HUMAN_AGENT
OUTBOX_INTERVAL = 1.0  # seconds between looks at the outbox
EVENTS_KEPT = timedelta(days=2)  # Meta stops redelivering long before this
FORGET_INTERVAL = 3600.0  # seconds between clean-ups of old event ids
RATE_LIMIT_PAUSE = timedelta(minutes=1)
LOG_ID_LIMIT = 64  # MessageLog.channel_message_id

# Why a row was given up, as the start of its reason; the give-up hook tells the staff.
WINDOW_CLOSED = "messenger window closed"
UNREACHABLE = "teacher unreachable"

# Graph API error codes (developers.facebook.com/docs/messenger-platform/error-codes).
TOKEN_CODE = 190  # OAuthException: the page access token expired or was revoked
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
TRANSIENT_CODES = frozenset({1, 2, 1200})  # "temporary send message failure"
WINDOW_CODE, WINDOW_SUBCODES = 10, frozenset({2018065, 2018278})  # "outside of allowed window"
UNREACHABLE_CODES = frozenset({551})  # "this person isn't available right now"
NO_MATCHING_USER = (100, 2018001)


# ---- webhook: verification and events ----------------------------------------------------


def signature_valid(app_secret: bytes, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256 of the raw body with the app secret."""
    if not header:
        return False
    expected = "sha256=" + hmac.new(app_secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def _attachment(attachment: Any) -> Attachment:
    """What a Messenger attachment is. An image keeps its https URL: while a ticket is open it
    reaches the methodologists on Telegram as a photo (Telegram fetches the URL)."""
    if not isinstance(attachment, dict):
        return Attachment("unknown")
    payload = attachment.get("payload")
    payload = payload if isinstance(payload, dict) else {}
    if payload.get("sticker_id"):
        return Attachment("sticker")  # Messenger sends the thumbs-up and stickers as images
    kind = str(attachment.get("type") or "unknown")
    url = payload.get("url")
    if kind == "image" and isinstance(url, str) and url.startswith("https://"):
        return Attachment("photo", url)
    return Attachment(kind)


def _incoming(item: Mapping[str, Any]) -> Incoming | None:
    """One messaging item as the desk's Incoming; its event_id (the mid) makes the desk skip
    a delivery Meta repeats, on any instance and after a restart."""
    sender = item.get("sender")
    psid = str(sender.get("id") or "") if isinstance(sender, dict) else ""
    if not psid:
        return None
    fallback_id = f"{psid}:{item.get('timestamp')}"

    def event(event_id: str, **content: Any) -> Incoming:
        log_id = event_id[:LOG_ID_LIMIT]
        return Incoming(CHANNEL, psid, psid, message_id=log_id, event_id=event_id, **content)

    message, postback = item.get("message"), item.get("postback")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None  # what the page itself sent
        mid = str(message.get("mid") or fallback_id)
        quick = message.get("quick_reply")
        if isinstance(quick, dict) and quick.get("payload"):
            return event(mid, action=str(quick["payload"]))
        if message.get("text"):
            return event(mid, text=str(message["text"]))
        attachments = message.get("attachments")
        if isinstance(attachments, list) and attachments:
            return event(mid, attachment=_attachment(attachments[0]))
        return None
    if isinstance(postback, dict) and postback.get("payload"):
        mid = str(postback.get("mid") or fallback_id)
        payload = str(postback["payload"])
        return event(mid, text="/start") if payload == GET_STARTED else event(mid, action=payload)
    return None  # deliveries, reads, reactions, referrals...


def _for_page(item: Mapping[str, Any], page_id: str | None) -> bool:
    recipient = item.get("recipient")
    to = str(recipient.get("id") or "") if isinstance(recipient, dict) else ""
    return page_id is None or to in ("", page_id)


def events_of(payload: Any, page_id: str | None = None) -> list[Incoming]:
    """The messages and button presses in a webhook body; echoes, deliveries, reads dropped,
    and with `page_id` everything addressed to another page (an app can serve several)."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        return []
    found = []
    entries = payload.get("entry")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or page_id not in (None, str(entry.get("id"))):
            continue
        items = entry.get("messaging")
        for item in items if isinstance(items, list) else []:
            ours = isinstance(item, dict) and _for_page(item, page_id)
            incoming = _incoming(item) if ours else None
            if incoming is not None:
                found.append(incoming)
    return found


async def forget_events(sessions: async_sessionmaker[AsyncSession], before: datetime) -> None:
    """Messenger's event ids are needed only while Meta may still redeliver."""
    async with sessions.begin() as session:
        await session.execute(
            delete(ProcessedEvent).where(
                ProcessedEvent.channel == CHANNEL, ProcessedEvent.created_at < before
            )
        )


# ---- rendering and the messaging window ---------------------------------------------------


def shorten(label: str, limit: int = TITLE_LIMIT) -> str:
    """A title Messenger shows whole: cut at a word where one is near, marked with "…"."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-/") + "…"


def render(payload: Payload) -> tuple[list[str], list[dict[str, str]]]:
    """An outbox payload as plain-text pieces and quick replies, in the current language.

    Telegram HTML is stripped; buttons become quick replies on the last piece, and the main
    menu is offered the same way when a message has no buttons of its own.
    """
    text = plain(payload.text)
    if payload.attachment is not None:  # a Telegram file id: nothing Messenger can fetch
        text += "\n\n" + _(
            "📎 The methodologist also sent a file, which Messenger cannot show. It stays "
            "with the methodologist; write here if you need it."
        )
    buttons = [(button.label, button.action) for row in payload.buttons for button in row]
    if not buttons and payload.menu:
        buttons = [(button.label, button.action) for button in menu_buttons()]
    quick = [
        {"content_type": "text", "title": shorten(label), "payload": action}
        for label, action in buttons[:QUICK_REPLY_LIMIT]
    ]
    pieces = [piece for piece in split_text(text.strip(), TEXT_LIMIT) if piece]
    return pieces, quick


def messaging_type(
    now: datetime, last_seen: datetime, human: bool, account_update: bool = False
) -> dict[str, str] | outbox.GiveUp:
    """Messenger's window: RESPONSE within 24 h of the teacher's last message, a person's reply
    tagged HUMAN_AGENT up to 7 days, news of a change to the teacher's own record (their
    certificate registered) tagged ACCOUNT_UPDATE at any time, and nothing else after 24 h.
    """
    quiet = now - last_seen
    if quiet <= RESPONSE_WINDOW:
        return {"messaging_type": "RESPONSE"}
    if account_update:
        return {"messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE"}
    if human and quiet <= HUMAN_AGENT_WINDOW:
        return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    hours = int(quiet.total_seconds() // 3600)
    allowed = "7 days for a person's reply" if human else "24 hours for an automated message"
    return outbox.GiveUp(f"{WINDOW_CLOSED}: the teacher last wrote {hours} h ago ({allowed})")


def window_notice(ticket_id: int, human: bool) -> str:
    """What the staff read when Messenger's window kept a message from the teacher."""
    if human:
        return _(
            "Ticket #{number}: the teacher last wrote on Messenger more than 7 days ago, so "
            "Messenger no longer lets replies through; this one was not delivered. The teacher "
            "gets answers again after writing to the bot."
        ).format(number=ticket_id)
    return _(
        "Ticket #{number}: the teacher last wrote on Messenger more than 24 hours ago; after "
        "that Messenger accepts only a methodologist's own replies, so this automatic message "
        "was not delivered."
    ).format(number=ticket_id)


# ---- the Send API ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenRejected:
    """The page access token no longer works: every send would fail, so sending stops."""

    reason: str


class GraphError(Exception):
    """A failed Send API call and what it means for the message: retry, give up, or stop."""

    def __init__(self, outcome: outbox.RetryLater | outbox.GiveUp | TokenRejected) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome


def classify(status: int, body: Any) -> outbox.RetryLater | outbox.GiveUp | TokenRejected:
    """A Graph API error answer as an outbox outcome; the reason names the cause."""
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    described = f"HTTP {status}, code {code}" + (f"/{subcode}" if subcode else "")
    if error.get("message"):
        described += f": {str(error['message'])[:160]}"
    if code == TOKEN_CODE:
        return TokenRejected(f"the page access token was rejected ({described})")
    if status == 429 or code in RATE_LIMIT_CODES:
        return outbox.RetryLater(f"rate limited ({described})", RATE_LIMIT_PAUSE)
    if status >= 500 or code in TRANSIENT_CODES:
        return outbox.RetryLater(f"Graph API unavailable ({described})")
    if code == WINDOW_CODE and subcode in WINDOW_SUBCODES:
        return outbox.GiveUp(f"{WINDOW_CLOSED}: Messenger refused it ({described})")
    if code in UNREACHABLE_CODES or (code, subcode) == NO_MATCHING_USER:
        return outbox.GiveUp(f"{UNREACHABLE}: the user cannot be reached ({described})")
    return outbox.GiveUp(f"refused by Messenger ({described})")


class GraphClient:
    """POST /me/messages on httpx: one call per text piece or sender action."""

    def __init__(self, graph_url: str, page_token: str, timeout: float = 15.0) -> None:
        self._url = graph_url.rstrip("/") + "/me/messages"
        self._token = page_token
        self._http = httpx.AsyncClient(timeout=timeout)

    async def send(self, body: dict[str, Any]) -> str:
        """The message id Messenger gave, or GraphError. The URL holds the token: never log it."""
        try:
            response = await self._http.post(
                self._url, params={"access_token": self._token}, json=body
            )
        except httpx.HTTPError as exc:
            raise GraphError(outbox.RetryLater(f"network: {type(exc).__name__}")) from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.is_success and isinstance(answer, dict) and "error" not in answer:
            return str(answer.get("message_id", ""))
        raise GraphError(classify(response.status_code, answer))

    async def aclose(self) -> None:
        await self._http.aclose()


# ---- the channel ------------------------------------------------------------------------------


class Messenger:
    """Webhook events to the desk, outbox rows to the Send API, for one Facebook Page."""

    def __init__(self, desk: Desk, settings: Settings) -> None:
        settings.require("messenger_page_token", "messenger_app_secret", "messenger_verify_token")
        assert settings.messenger_page_token and settings.messenger_app_secret
        assert settings.messenger_verify_token
        self.desk = desk
        self.client = GraphClient(
            settings.messenger_graph_url, settings.messenger_page_token.get_secret_value()
        )
        self.halted: str | None = None  # why sending stopped (a rejected page token)
        self.page_id = settings.messenger_page_id
        self._app_secret = settings.messenger_app_secret.get_secret_value().encode()
        self._verify_token = settings.messenger_verify_token.get_secret_value().encode()
        self._tasks: set[asyncio.Task[None]] = set()
        self._chats: dict[str, tuple[asyncio.Lock, int]] = {}

    # ---- HTTP endpoints (mounted at /messenger by bot.web) ----

    async def verify(self, request: Request) -> Response:
        """GET: Meta's subscription handshake; the challenge only for the right verify token."""
        params = request.query_params
        token = params.get("hub.verify_token", "").encode()
        if params.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token, self._verify_token
        ):
            return PlainTextResponse(params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def receive(self, request: Request) -> Response:
        """POST: events signed with the app secret; 200 at once, the work in the background."""
        try:
            body = await read_body(request)
        except TooLarge:
            return PlainTextResponse("too large", status_code=413)
        except Gone:
            return PlainTextResponse("", status_code=400)
        if not signature_valid(self._app_secret, body, request.headers.get(SIGNATURE_HEADER)):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("entry", []), list):
            return PlainTextResponse("not a webhook event", status_code=400)
        for incoming in events_of(payload, self.page_id):
            self._spawn(self._handle_in_order(incoming))
        return PlainTextResponse("EVENT_RECEIVED")

    # ---- background work ----

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until the events in hand are handled (shutdown, and tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    async def _handle_in_order(self, incoming: Incoming) -> None:
        """One event at a time per teacher, so quick messages are answered in order."""
        chat = incoming.chat_id
        lock, users = self._chats.get(chat, (asyncio.Lock(), 0))
        self._chats[chat] = (lock, users + 1)
        try:
            async with lock:
                await self._handle(incoming)
        except Exception:
            log.exception("a Messenger event failed")
        finally:
            lock, users = self._chats[chat]
            if users == 1:
                del self._chats[chat]
            else:
                self._chats[chat] = (lock, users - 1)

    async def _handle(self, incoming: Incoming) -> None:
        try:
            typing = asyncio.create_task(self._typing(incoming.chat_id))
            try:  # the replies go to the outbox in the turn's own transaction
                await self.desk.handle(incoming, queue=True)
            finally:
                await typing
        except (SQLAlchemyError, OSError) as exc:
            if not database_down(exc):
                raise
            OUTAGE.seen("a Messenger event; the teacher is asked to retry", exc)
            await self._apologise(incoming.chat_id)
            return
        await self.deliver(incoming.chat_id)

    async def _typing(self, psid: str) -> None:
        """typing_on while the desk works; a failure here costs nothing but the dots."""
        if self.halted:
            return
        try:
            await self.client.send({"recipient": {"id": psid}, "sender_action": "typing_on"})
        except GraphError as exc:
            self._note(exc)

    async def _apologise(self, psid: str) -> None:
        if self.halted:
            return
        with use_language("mn"):
            text = _("The help desk is briefly unavailable. Please try again in a few minutes.")
        with contextlib.suppress(GraphError):
            await self.client.send(
                {
                    "recipient": {"id": psid},
                    "messaging_type": "RESPONSE",
                    "message": {"text": text},
                }
            )

    def _note(self, error: GraphError) -> outbox.RetryLater | outbox.GiveUp:
        """The outbox outcome of a failure; a rejected token stops all sending, logged once."""
        outcome = error.outcome
        if not isinstance(outcome, TokenRejected):
            return outcome
        if self.halted is None:
            self.halted = outcome.reason
            log.error(
                "Messenger sending stopped: %s. Set a valid HELPDESK_MESSENGER_PAGE_TOKEN and "
                "restart; undelivered messages wait in the outbox.",
                outcome.reason,
            )
        return outbox.RetryLater(outcome.reason)

    # ---- the outbox ----

    async def deliver(self, chat_id: str | None = None, until: asyncio.Event | None = None) -> int:
        """Send every due row (of one chat, or all), in order per chat; none once halted.

        `until` ends a long backlog between batches, so shutdown need not wait for all of it.
        """
        total = 0
        while (
            not self.halted
            and not (until is not None and until.is_set())
            and (
                sent := await outbox.deliver_due(
                    self.desk.sessions,
                    (CHANNEL,),
                    self.send_row,
                    self.desk.clock(),
                    on_give_up=self.gave_up,
                    chat_id=chat_id,
                )
            )
        ):
            total += sent
        return total

    async def send_row(self, row: OutboxMessage) -> outbox.Outcome:
        """One outbox row as Send API calls, within Messenger's window."""
        if self.halted:
            return outbox.RetryLater(self.halted)
        async with self.desk.sessions() as session:
            person = await session.scalar(
                select(Person).where(Person.channel == CHANNEL, Person.external_id == row.chat_id)
            )
        if person is None:
            return outbox.GiveUp(f"{UNREACHABLE}: nobody with this id wrote on Messenger")
        payload = Payload.from_json(row.payload)
        window = messaging_type(
            self.desk.clock(), person.last_seen_at, payload.human, payload.account_update
        )
        if isinstance(window, outbox.GiveUp):
            return window
        with use_language(person.language):
            pieces, quick = render(payload)
        done = payload.pieces_sent  # a long text cut short by a failure
        message_id = ""
        for number in range(done, len(pieces)):
            message: dict[str, Any] = {"text": pieces[number]}
            if number == len(pieces) - 1 and quick:
                message["quick_replies"] = quick
            try:
                message_id = await self.client.send(
                    {"recipient": {"id": row.chat_id}, **window, "message": message}
                )
            except GraphError as exc:
                if number > done:
                    await self._remember_progress(row.id, number)
                return self._note(exc)
        return outbox.Delivered(message_id)

    async def _remember_progress(self, row_id: int, pieces_sent: int) -> None:
        """So a retry sends only the rest of a long text, not the pieces already delivered."""
        async with self.desk.sessions.begin() as session:
            row = await session.get(OutboxMessage, row_id)
            if row is not None:
                progress = replace(Payload.from_json(row.payload), pieces_sent=pieces_sent)
                row.payload = progress.to_json()

    async def gave_up(self, session: AsyncSession, row: OutboxMessage, reason: str) -> None:
        """The outbox's give-up hook: the staff learn that a ticket's message did not arrive."""
        if row.ticket_id is None:
            return
        staff_chat = self.desk.staff_chat
        if reason.startswith(UNREACHABLE):
            await tickets.mark_unreachable(session, row.ticket_id, staff_chat)
            return
        ticket = await tickets.get_ticket(session, row.ticket_id)
        if ticket is None:
            return
        if reason.startswith(WINDOW_CLOSED):
            text = window_notice(ticket.id, Payload.from_json(row.payload).human)
        else:
            text = _(
                "Ticket #{number}: Messenger refused the message to the teacher; it was not "
                "delivered."
            ).format(number=ticket.id)
        tickets.notice(session, staff_chat, ticket, text)

    async def _work(self, stop: asyncio.Event) -> None:
        """The outbox worker: due rows every second, old event ids forgotten once an hour.

        It stops between passes, so a row in hand is recorded as sent before shutdown.
        """
        loop = asyncio.get_running_loop()
        forgotten_at = loop.time()
        while not stop.is_set():
            try:
                await self.deliver(until=stop)
                if loop.time() - forgotten_at > FORGET_INTERVAL:
                    await forget_events(self.desk.sessions, utcnow() - EVENTS_KEPT)
                    forgotten_at = loop.time()
            except (SQLAlchemyError, OSError) as exc:
                if not database_down(exc):
                    log.exception("the Messenger outbox worker failed; it tries again")
                else:
                    OUTAGE.seen("the Messenger outbox worker", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), OUTBOX_INTERVAL)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Messenger]:
        """The outbox worker for as long as the block runs; then the work in hand finishes."""
        stop = asyncio.Event()
        worker = asyncio.create_task(self._work(stop))
        try:
            yield self
        finally:
            stop.set()
            await worker
            await self.close()

    async def close(self) -> None:
        """Finish the events in hand, then let go of the HTTP connections."""
        await self.drain()
        await self.client.aclose()
