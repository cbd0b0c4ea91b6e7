"""Fake Telegram updates: dicts in the Bot API's JSON shape, for the tests that feed a bot.

The parts (`user`, `private_chat`, `supergroup`, `message`, `earlier`, `callback_query`) build
the objects inside an update; `numbered` and the builders after it make whole updates. Every id
here (update_id, message_id, callback query id) comes from one counter, so no two updates of a
test run share an update_id: the desk skips an update_id it has seen before, as a redelivery.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

Json = dict[str, Any]

# Far from the message ids the fake Bot APIs give the bot's own messages (5000 on).
_ids = itertools.count(1_000_000)


def next_id() -> int:
    """A number no other update, message or button press of this test run has."""
    return next(_ids)


# ---- the parts ------------------------------------------------------------------------------


def user(user_id: int, first_name: str) -> Json:
    return {"id": user_id, "is_bot": False, "first_name": first_name}


def private_chat(user_id: int, first_name: str) -> Json:
    return {"id": user_id, "type": "private", "first_name": first_name}


def supergroup(chat_id: int, title: str = "Staff", *, forum: bool = False) -> Json:
    """A group chat; `forum`: one with topics."""
    chat: Json = {"id": chat_id, "type": "supergroup", "title": title}
    if forum:
        chat["is_forum"] = True
    return chat


def message(
    content: Json,
    user_id: int,
    first_name: str,
    *,
    chat: Json | None = None,
    thread: int | None = None,
    reply_to: Json | None = None,
) -> Json:
    """A message from a user with any content ({"text": ...}, {"photo": ...}...).

    Sent in the user's private chat unless `chat` says otherwise; in a group's forum topic
    when `thread` is given; as a reply to the message `reply_to` when that is given.
    """
    sent: Json = {
        "message_id": next_id(),
        "date": int(time.time()),
        "chat": chat or private_chat(user_id, first_name),
        "from": user(user_id, first_name),
        **content,
    }
    if thread is not None:
        sent.update(message_thread_id=thread, is_topic_message=True)
    if reply_to is not None:
        sent["reply_to_message"] = reply_to
    return sent


def earlier(
    chat: Json, content: Json | None = None, *, message_id: int | None = None,
    sender: Json | None = None,
) -> Json:
    """A message already in `chat`, as a reply or a button press refers to it.

    Numbered afresh unless `message_id` is given; `sender` (a user, the bot's own) if known.
    """
    sent: Json = {
        "message_id": next_id() if message_id is None else message_id,
        "date": int(time.time()),
        "chat": chat,
    }
    if sender is not None:
        sent["from"] = sender
    return {**sent, **(content or {})}


def callback_query(
    data: str, user_id: int, first_name: str, *, chat_instance: str, message: Json | None = None
) -> Json:
    """A button pressed by a user; `message`: the message the button is on, if Telegram sent it."""
    query: Json = {
        "id": str(next_id()),
        "from": user(user_id, first_name),
        "chat_instance": chat_instance,
        "data": data,
    }
    if message is not None:
        query["message"] = message
    return query


def command(text: str) -> Json:
    """Message content: `text`, its first word marked as a bot command ("/close 1")."""
    entity = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
    return {"text": text, "entities": [entity]}


# ---- whole updates --------------------------------------------------------------------------


def numbered(body: Json) -> Json:
    """An update: `body` ({"message": ...}, {"callback_query": ...}) with an update_id of its own.

    FakeBotApi.push_update numbers what it is given itself; a webhook post needs this.
    """
    return {"update_id": next_id(), **body}


def message_update(content: Json, user_id: int, first_name: str, **where: Any) -> Json:
    """A new message from a user; `where`: chat, thread, reply_to, as for `message`."""
    return numbered({"message": message(content, user_id, first_name, **where)})


def text(text: str, user_id: int, first_name: str, **where: Any) -> Json:
    """A text message from a user, in their private chat unless `where` says otherwise."""
    return message_update({"text": text}, user_id, first_name, **where)


def button(
    data: str, user_id: int, first_name: str, *, chat_instance: str, message: Json | None = None
) -> Json:
    """A button press (callback_query), as `callback_query`."""
    return numbered({"callback_query": callback_query(
        data, user_id, first_name, chat_instance=chat_instance, message=message)})


def edited(message: Json) -> Json:
    """`message`, edited by its sender now."""
    return numbered({"edited_message": {**message, "edit_date": int(time.time())}})


def channel_post(chat_id: int, title: str, text: str) -> Json:
    """A text posted in a channel: no sender."""
    channel = {"id": chat_id, "type": "channel", "title": title}
    post = {"message_id": next_id(), "date": int(time.time()), "chat": channel, "text": text}
    return numbered({"channel_post": post})


def member_change(chat: Json, user_id: int, first_name: str, old: str, new: str) -> Json:
    """Someone's status in a group changes ("member" → "left"), as a chat_member update."""
    person = user(user_id, first_name)
    return numbered(
        {
            "chat_member": {
                "chat": chat,
                "from": person,
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": person},
                "new_chat_member": {"status": new, "user": person},
            }
        }
    )
