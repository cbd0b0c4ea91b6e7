"""One incoming message's work: who wrote, where their dialogue stands, the replies so far.

A conversation row holds the state (`flow.step`, a flow's StrEnum value, or "idle") and
`data`: the desk's memory of the person's recent turns (`Memory`) and the current flow's own
typed data, stored as a plain dict under "flow". Flows read and write their data through
`Turn.flow_data` and `Turn.go`, never through free-form keys.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.faq import KnowledgeBase
from bot.desk.messages import Incoming, Reply
from bot.desk.questions import Question, Rows
from bot.desk.schedule import CohortSchedule
from bot.i18n import _, current_language
from bot.storage import people
from bot.storage.models import Person

if TYPE_CHECKING:
    from bot.desk.engine import Desk

IDLE = "idle"
TRIED_KEPT = 5  # attempts shown to the methodologist who takes over
# How long after its last turn a conversation is still about what was last answered.
TOPIC_FRESH = timedelta(minutes=30)
CLEAR_SCORE = 60.0  # a reading this good is a question of its own, whatever surrounds it

Data = TypeVar("Data")


@dataclass
class Attempt:
    """A question the bot tried to answer: the card shows these to the methodologist."""

    question: str
    intent: str | None
    best: str | None
    score: float


@dataclass
class LeftQuestion:
    """A question a new message took over from ("хуваарь?" → "вебинарт яаж орох вэ?"): its
    step, context and flow data, kept so that "5 дахь жил" a message later still answers it."""

    state: str
    context: str = ""
    flow: dict[str, Any] = field(default_factory=dict)
    messages: int = 0  # messages since it was left


@dataclass
class Memory:
    """What the desk remembers across a person's turns, whatever flow they are in."""

    tried: list[Attempt] = field(default_factory=list)
    refusals: int = 0  # questions in a row the bot could not answer
    downvotes: int = 0  # 👎 in a row
    context: str = ""  # the pending question's context (a log or ticket id in its actions)
    topic: str = ""  # what the last answer was about (an FAQ entry, "schedule"): corrections
    # The register number of the last result, passed and not yet in ESIS: a notice asked for
    # in words after other questions ("за бүртгэгдвэл надад мэдэгдээрэй") is for it.
    unregistered: str = ""
    # The out-of-scope topic just pointed elsewhere: "so whom do I ask?" gets its pointer again.
    pointed: str = ""
    flow: dict[str, Any] = field(default_factory=dict)  # the current flow's data
    left: LeftQuestion | None = None

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Memory:
        tried = [
            Attempt(**{k: item.get(k) for k in ("question", "intent", "best", "score")})
            for item in raw.get("tried", [])
            if isinstance(item, dict)
        ]
        flow, left = raw.get("flow"), raw.get("left")
        kept = isinstance(left, dict) and bool(left.get("state"))
        return cls(
            tried=tried,
            refusals=int(raw.get("refusals", 0) or 0),
            downvotes=int(raw.get("downvotes", 0) or 0),
            context=str(raw.get("context", "") or ""),
            topic=str(raw.get("topic", "") or ""),
            unregistered=str(raw.get("unregistered", "") or ""),
            pointed=str(raw.get("pointed", "") or ""),
            flow=flow if isinstance(flow, dict) else {},
            left=load_data(LeftQuestion, left) if kept else None,
        )

    def dump(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def load_data(kind: type[Data], raw: dict[str, Any]) -> Data:
    """A flow's dataclass from stored JSON; keys it does not know are ignored."""
    names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    return kind(**{key: value for key, value in raw.items() if key in names})


@dataclass
class Turn:
    """Everything one incoming message works with; the replies accumulate here."""

    desk: Desk
    session: AsyncSession
    person: Person
    conversation: people.ConversationRow
    incoming: Incoming
    log: people.LoggedMessage
    memory: Memory
    knowledge: KnowledgeBase  # as it was when this message arrived, whatever changes meanwhile
    schedule: list[CohortSchedule]
    new_person: bool = False  # this message created the person: no ticket, no history
    waiting: bool = False  # outbox rows still wait for this chat: replies queue behind them
    replies: list[Reply] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.conversation.state

    @property
    def goes_on(self) -> bool:
        """The conversation's last turn was under TOPIC_FRESH ago: what it was about holds."""
        last = self.conversation.updated_at
        return last is not None and self.desk.clock() - last <= TOPIC_FRESH

    @property
    def fresh_topic(self) -> str:
        """What the last answer was about, while the conversation goes on: "and if my
        manager is away?" follows that answer; the same words the next day start afresh."""
        return self.memory.topic if self.goes_on else ""

    @property
    def language(self) -> str:
        return self.person.language or "mn"

    def note_attempt(self, attempt: Attempt) -> None:
        """What the bot tried, or what the teacher told of why it failed: the card of a
        ticket opened later shows these, so the methodologist does not ask again."""
        self.memory.tried = [*self.memory.tried, attempt][-TRIED_KEPT:]

    async def log_id(self) -> int:
        """The incoming message's row id (the row written now if need be): buttons name it."""
        return await people.log_now(self.session, self.log)

    def say(self, text: str, buttons: Rows = (), show_menu: bool = False) -> None:
        """A reply in the language in force (a flow may switch it in the middle of a turn).
        The same reply twice in one turn is sent once: a year typed with a question at the
        welcome's year question is answered by the year's step and read again as the
        question beside it, and both may come to the same schedule."""
        reply = Reply(text=text, buttons=buttons, show_menu=show_menu, language=current_language())
        if reply not in self.replies:
            self.replies.append(reply)

    def answered_yes_no(self, held: object, answer: str) -> bool:
        """A yes/no to the flow's question closes it (back to IDLE). `held` is what the flow
        kept for it (None or empty: the question is no longer open, a stale button); then the
        teacher is told so, and False says there is nothing to act on."""
        self.go(IDLE)
        if held and answer in ("yes", "no"):
            return True
        self.say(_("That button is no longer active."), show_menu=True)
        return False

    def go(self, state: str, data: object | None = None, context: str = "") -> None:
        """Move to a state (a flow's step, or IDLE) with that flow's data."""
        self.conversation.state = state
        self.memory.flow = dataclasses.asdict(data) if data is not None else {}  # type: ignore[call-overload]
        self.memory.context = context

    def resume(self, left: LeftQuestion) -> None:
        """Back to a step another question took over from, with its context and stored data."""
        self.conversation.state = left.state
        self.memory.flow = left.flow
        self.memory.context = left.context
        self.memory.left = None

    def flow_data(self, kind: type[Data]) -> Data:
        return load_data(kind, self.memory.flow)

    def ask(
        self,
        question: Question,
        state: str,
        data: object | None = None,
        *,
        context: str = "",
        text: str | None = None,
        show_menu: bool = False,
    ) -> None:
        """Ask a declared question and wait in `state` for the answer, tapped or typed."""
        self.go(state, data, context)
        prompt = question.prompt() if text is None else text
        self.say(prompt, question.buttons(context), show_menu=show_menu)
