"""The web console: the staff's queue and tickets in a browser, served by the desk's web app.

Another channel for staff beside the Telegram staff group: pages act through the desk's ticket
functions (bot/desk/tickets.py), one transaction per request, and a reply goes out through
the outbox exactly as one from the staff group does. Pages are Jinja2 templates rendered on
the server; the only script (static/console.js) refreshes a ticket's conversation and the
queue while they are open. See docs/console.md.
"""

from __future__ import annotations

from bot.channels.webconsole.pages import console_app

__all__ = ["console_app"]
