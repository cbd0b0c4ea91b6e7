"""The typed context every handler gets (PTB's ContextTypes): the desk and its helpers as
attributes, checked by the type checker, instead of string keys into `bot_data`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.desk import outbox
from bot.desk.admin import AdminDesk
from bot.desk.engine import Desk

if TYPE_CHECKING:
    from bot.channels.telegram.staff import StaffGate, StaffPoster


@dataclass
class BotData:
    """What the application is built with; filled in once by `build_application`."""

    settings: Settings = field(default_factory=Settings)
    desk: Desk | None = None
    admin_desk: AdminDesk | None = None
    staff_poster: StaffPoster | None = None
    staff_gate: StaffGate | None = None
    outbox_sender: outbox.Sender | None = None


class DeskContext(CallbackContext[ExtBot[None], dict, dict, BotData]):  # type: ignore[type-arg]
    """`context.desk`, `context.settings`, … in every handler and job."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def desk(self) -> Desk:
        assert self.bot_data.desk is not None, "build_application sets the desk"
        return self.bot_data.desk

    @property
    def admin_desk(self) -> AdminDesk:
        assert self.bot_data.admin_desk is not None
        return self.bot_data.admin_desk

    @property
    def staff_poster(self) -> StaffPoster:
        assert self.bot_data.staff_poster is not None
        return self.bot_data.staff_poster

    @property
    def staff_gate(self) -> StaffGate:
        assert self.bot_data.staff_gate is not None
        return self.bot_data.staff_gate

    @property
    def outbox_sender(self) -> outbox.Sender:
        assert self.bot_data.outbox_sender is not None
        return self.bot_data.outbox_sender


CONTEXT_TYPES = ContextTypes(context=DeskContext, bot_data=BotData)
