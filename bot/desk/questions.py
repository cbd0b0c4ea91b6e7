"""The questions the bot asks, declared with their choices and the words each choice accepts.

A button press and a typed answer take one path: a button carries the action
`key:value[:context]`, and a typed reply that `Question.choose` understands becomes the same
action. A reply that is none of the choices is not an answer: the desk reads it as a new
message. Labels are msgids, translated when shown; a label in any language is also a word
its choice accepts, so "English", "Монгол" and the menu's own labels can be typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz.distance import Levenshtein

from bot.desk.messages import Button
from bot.desk.schedule import COHORTS, OTHER_COHORT
from bot.i18n import LANGUAGES, N_, _, use_language
from bot.nlu import tables
from bot.nlu.choices import FILLERS, Vocabulary, keys, typed_words
from bot.nlu.entities import (
    button_place,
    counts_from_a_start_with_time_away,
    detect_cohort,
    named_cohorts,
    names_another_year,
)
from bot.nlu.normalize import asks

Rows = tuple[tuple[Button, ...], ...]
MISTYPED_LABEL = 6  # letters a typed label needs before one of them may be amiss


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # a msgid, translated when shown, unless `literal`
    words: tuple[str, ...] = ()  # typed forms, any script; matched through the normalizer
    literal: bool = False


@dataclass(frozen=True)
class Question:
    """One question: its text, its choices in rows of buttons, and how typing answers it.

    `negative` names the choice of a yes/no question that a short negated reply means
    ("чадаагүй"); `extract` reads an answer the word lists cannot ("10 дахь жилийн багш").
    `about_an_answer` marks a question about the answer just given ("solved?", "did this
    help?"): a clear new question typed beside its "за" is read as that question.
    `asked_yet_answered` tells the replies that ask and still answer it, not a new question
    ("за, арга зүйчид дамжуулж өгнө үү" to "shall I pass it on?").
    """

    key: str
    text: str
    rows: tuple[tuple[Choice, ...], ...]
    negative: str | None = None
    extract: Callable[[str], str | None] | None = field(default=None, compare=False)
    about_an_answer: bool = False
    asked_yet_answered: Callable[[str], bool] | None = field(default=None, compare=False)

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(choice for row in self.rows for choice in row)

    @property
    def affirmative(self) -> str | None:
        """The yes of a two-way question (its one choice beside `negative`), else None."""
        others = [choice.value for choice in self.choices if choice.value != self.negative]
        return others[0] if self.negative is not None and len(others) == 1 else None

    def action(self, value: str, context: str = "") -> str:
        return f"{self.key}:{value}:{context}" if context else f"{self.key}:{value}"

    def buttons(self, context: str = "") -> Rows:
        return tuple(
            tuple(Button(_label(choice), self.action(choice.value, context)) for choice in row)
            for row in self.rows
        )

    def prompt(self) -> str:
        return _(self.text) if self.text else ""

    @cached_property
    def vocabulary(self) -> Vocabulary:
        words: dict[str, list[str]] = {}
        for choice in self.choices:
            forms = words.setdefault(choice.value, [*choice.words])
            if choice.literal:
                forms.append(choice.label)
                continue
            for language in LANGUAGES:
                with use_language(language):
                    forms.append(_(choice.label))
        return Vocabulary.build(words, negative=self.negative, extract=self.extract, typed=True)

    def choose(self, text: str) -> str | None:
        """The value of the choice a typed reply means, or None: not an answer. A reply
        that names a button by its place ("эхнийх", "б", "2") chooses that button, in a
        question shown with buttons (not ANYWHERE's or the menu's words); digits only where
        no choice is a number (the year question's "1" is the 1st year)."""
        chosen = self.vocabulary.choose(text) or self._label_mistyped(text)
        if chosen is not None or not self.text:
            return chosen
        place = button_place(text, digits=not self._numbered)
        choices = self.choices
        if place is None or not -len(choices) <= place < len(choices):
            return None
        return choices[place].value

    def _label_mistyped(self, text: str) -> str | None:
        """An English label typed with one letter amiss ("englisj", "certifikate"): read as
        chat-Latin through Cyrillic, such a typo is no longer one letter."""
        typed = text.strip().casefold()
        if len(typed) < MISTYPED_LABEL or not (typed.isascii() and typed.isalpha()):
            return None
        for choice in self.choices:
            label = choice.label.casefold()
            if label[:1] == typed[:1] and Levenshtein.distance(label, typed, score_cutoff=1) <= 1:
                return choice.value
        return None

    @cached_property
    def _numbered(self) -> bool:
        return any(ch.isdigit() for choice in self.choices for word in choice.words for ch in word)

    def choose_first_clause(self, text: str) -> str | None:
        """The choice typed first when other clauses say something else (Vocabulary's)."""
        return self.vocabulary.choose_first_clause(text)


def _label(choice: Choice) -> str:
    return choice.label if choice.literal else _(choice.label)


YES_WORDS = (
    "тийм", "тиймээ", "тийм шүү", "за", "зaa", "заа", "ok", "okey", "okay", "ок", "ок",
    "тэгье", "тэгнэ", "тэг", "болно", "зөв", "мэдээж", "ага", "aga", "yes", "yeah", "yep",
    "sure", "y",
    "👍", "👌", "✅", "🙏", "+",
)  # fmt: skip
NO_WORDS = (
    "үгүй", "угуй", "ugui", "ugvi", "ugu", "үгүй ээ", "no", "nope", "nah", "not", "n",
    "болохгүй", "хэрэггүй", "битгий", "шаардлагагүй", "ер үгүй", "огт үгүй",
    "👎", "❌", "-",
)  # fmt: skip
# To an offer (a person, a notice), "за зүгээр" is "it's fine, no need": a no. (To "solved?"
# the same words say it works now.)
DECLINE_WORDS = (
    "зүгээр", "за зүгээр", "ok зүгээр", "зүгээр ээ", "зүгээр дээ", "гайгүй", "гайгүй ээ",
    "no thanks", "no need",
    "дараа", "дараа болъё", "одоохондоо үгүй", "одоохондоо хэрэггүй", "not now", "later",
    "maybe later", "за больё", "за болъё", "за болье",
)  # fmt: skip

# What asks to be told later, to a notice's offer or in a message of its own ("за бүртгэгдвэл
# надад мэдэгдээрэй", "дараагийн хуваарь гармагц мэдэгдээрэй", "let me know").
NOTICE_WORDS = (
    "мэдэгдээрэй", "мэдэгдэнэ үү", "мэдэгдээч", "мэдэгдэж өгөөрэй", "гармагц хэлээрэй",
    "гармагц бичээрэй", "гармагц явуулаарай", "гармагц илгээгээрэй", "гарвал илгээгээрэй",
    "гарвал явуулаарай", "гарвал хэлээрэй", "гарвал бичээрэй",
    # "гарвал илгээж өгнө үү", "garmagts yavuulj ugugurei": the stems, in any form
    "гарвал илгээ", "гармагц илгээ", "гарвал явуул", "гармагц явуул", "гарвал хэлж",
    "гармагц хэлж", "гарвал бичиж", "гармагц бичиж", "let me know", "notify me",
    "inform me", "send it to me", "send me the next", "tell me when next",  # "the" is a filler
    "tell me when it", "tell me when my certificate", "tell me once",
    "tell me when registered", "tell me when published", "send me when",
)  # fmt: skip
_NOTICE_ASKED = Vocabulary.build({"yes": NOTICE_WORDS}, typed=True)  # read without fillers


def asks_to_be_told(text: str) -> bool:
    """Whether a message asks, anywhere in it, to be told later (`NOTICE_WORDS`): the
    certificate's and the next schedule's notices asked for after their offers gave way."""
    if _ASKS_A_DATE.search(text):
        return False
    typed = [key for key in keys(text) if key not in FILLERS and key not in _TO_ME]
    return bool(_NOTICE_ASKED.read(typed))


# "Let me know when the webinar begins": a date asked for in a letter's words, not a notice
# (which is of a schedule or a certificate coming out: "let me know when it is published").
_ASKS_A_DATE = re.compile(
    r"\blet me know (?:when|until|what date)\b[^.?!]*"
    r"\b(?:begins?|starts?|ends?|opens?|closes?|remains?|finish(?:es)?)\b",
    re.IGNORECASE,
)


_TO_ME = frozenset(keys("энд надад над руу над луу"))  # "гарвал энд илгээж өгнө үү"


def yes_no(
    key: str,
    text: str,
    yes: tuple[str, ...] = (),
    no: tuple[str, ...] = (),
    extract: Callable[[str], str | None] | None = None,
    about_an_answer: bool = False,
    asked_yet_answered: Callable[[str], bool] | None = None,
) -> Question:
    """A yes/no question; `yes` and `no` add the words that answer this one in particular,
    `extract` the answers no word list reads."""
    return Question(
        key,
        text,
        (
            (
                Choice("yes", N_("Yes"), YES_WORDS + yes),
                Choice("no", N_("No"), NO_WORDS + no),
            ),
        ),
        negative="no",
        extract=extract,
        about_an_answer=about_an_answer,
        asked_yet_answered=asked_yet_answered,
    )


# What asks for a person when it is the whole message: anywhere, and where a question
# offers a person of its own (a failed certificate lookup).
PERSON_WORDS = (
    "хүн", "хүнтэй", "хүнтэй ярих", "хүнтэй ярья", "оператор", "operator",
    "арга зүйч", "арга зүйчтэй", "арга зүйчтэй ярих", "human", "agent",
    "a person", "person", "talk to a person", "talk to a human", "talk to someone",
    "i want to talk to a person", "i need to talk to a person", "speak to a person",
)  # fmt: skip

# Words that mean the same in every state, when they are the whole message.
ANYWHERE = Question(
    "anywhere",
    "",
    (
        (
            Choice(
                "cancel",
                N_("Cancel"),
                (
                    "болих", "больё", "болъё", "болилоо", "болисон", "болиё", "боличлоо",
                    "болчихлоо", "больчихлоо", "болиулъя", "болиулья", "болиулах", "boliulya",
                    "болич",
                    "never mind", "nevermind",
                    "цуцлах", "цуцал", "цуцлая", "цуцална", "цуцлаарай", "зогсоо", "зогсох",
                    "зогс", "zogsoo", "bolih", "cancel", "stop",
                    "exit", "quit", "гарах", "хэрэггүй", "хэрэггүй боллоо", "хэрэггүй болсон",
                    "not now", "одоохондоо үгүй", "дараа болъё",
                    # the request named: "Please cancel my request.", "хүсэлтээ цуцална уу"
                    "cancel my request", "cancel the request", "cancel my ticket",
                    "cancel the ticket", "хүсэлтээ цуцлах", "хүсэлтээ цуцална уу",
                    "хүсэлтээ цуцлаарай", "хүсэлтээ цуцалж", "хүсэлтийг цуцлах",
                    "хүсэлтийг цуцалж", "hvseltee tsutslah", "hvseltee tsutsalj",
                    # found meanwhile: no longer needed ("zgr, oldloo" with a ticket open)
                    "олдлоо", "олчихлоо", "олдчихлоо", "found it",
                ),
            ),
            Choice(
                "menu",
                N_("Main menu"),
                (
                    "цэс", "үндсэн цэс", "menu", "main menu", "эхлэл", "home",
                    # started over ("ehnees ni ehlev"; not "эхлэх" alone: "хэзээ эхлэх вэ")
                    "эхнээс", "эхнээс нь", "эхнээс нь эхлэх", "эхнээс нь эхэлье",
                    "эхнээс ни эхлэв", "эхнээс ни эхлэх", "дахин эхлэх", "шинээр эхлэх",
                    "start over", "restart",
                    "start again",
                ),
            ),
            Choice(
                "back",  # the step before, where a flow declares one (BACK); else the menu
                N_("Back"),
                ("буцах", "буцъя", "буцая", "буцаад", "back", "go back", "butsah", "butsii"),
            ),
            Choice(
                "human",
                N_("Talk to a person"),
                PERSON_WORDS,
            ),
            Choice(
                "language",  # the language question again, as /lang asks it
                N_("Language"),
                (
                    "хэлээ солих", "хэл солих", "хэлээ сольё", "хэлээ солимоор байна",
                    "хэл солимоор байна", "hel solih", "helee solih", "hel solimoor bn",
                    "helee solimoor bn", "change language", "change the language",
                    "switch language", "other language",
                ),
            ),
            Choice(
                "stop_reminders",
                N_("Stop reminders"),
                (
                    "сануулга хэрэггүй", "сануулгаа зогсоо", "сануулга зогсоох",
                    "сануулга болиул", "сануулгаа болиулах", "сануулга авахгүй",
                    "сануулгаа унтраа", "stop reminders", "no reminders", "no more reminders",
                    "reminders off", "turn off reminders",
                ),
            ),
        ),
    ),
)  # fmt: skip


def _named_cohort(text: str) -> str | None:
    """The year of work a reply names, "Other" for a year that is no cohort, "Not sure" for
    a reply that asks how to tell ("хэд дэх жил гэдгээ яаж мэдэх вэ?", "how do I know which
    year I am in?") or says it does not know which ("I don't know which year I am"),
    whatever else it says. Several cohorts ("1, 5, 10 дахь жилийнх" from a manager) are
    "Other" too: every cohort's schedule, those named shown (onboarding.on_cohort)."""
    if len(named_cohorts(text)) > 1:
        return str(OTHER_COHORT)
    if counts_from_a_start_with_time_away(text):
        return UNSURE  # "2016 онд ажилд орсон, дунд нь … чөлөө нэг жил авсан"
    cohort = detect_cohort(text) or _hedged_cohort(text)
    if cohort is not None:
        return str(cohort)
    if names_another_year(text):
        return str(OTHER_COHORT)
    typed = keys(text)
    asks_how = _HOW_TO_TELL.read(typed) and asks(text)
    if asks_how or (_UNSURE_OF_THE_YEAR.read(typed) and _WHICH_YEAR.read(typed)):
        return UNSURE
    return None


def _hedged_cohort(text: str) -> int | None:
    """The cohort a hedged reply names ("5 байх аа", "10 orchim jil bolj bgaa", "maybe 5"):
    read without its hedges, so a guess is taken as the answer it gives. Not beside a "not
    sure" ("yag sain medehgui ee, 5 baih"): that guess is no answer."""
    typed = typed_words(text)
    rest = [key for key in typed if key not in _HEDGES]
    if len(rest) == len(typed) or _UNSURE_OF_THE_YEAR.read(typed):
        return None
    if len(rest) > 1:
        return detect_cohort(" ".join(rest))
    # a number alone ("5", "арав") is a year of work here
    if rest and rest[0].isdigit():
        return int(rest[0]) if int(rest[0]) in COHORTS else None
    return detect_cohort(f"{' '.join(rest)} жил")


_HEDGES = frozenset(keys(tables.HEDGE_WORDS))
UNSURE = "unsure"  # the cohort question's "not sure": who attends is told, and it is asked again
_HOW_TO_TELL = Vocabulary.build({UNSURE: tables.HOW_TO_TELL_PHRASES})
_UNSURE_OF_THE_YEAR = Vocabulary.build({UNSURE: tables.UNSURE_PHRASES})
_WHICH_YEAR = Vocabulary.build({UNSURE: tables.WHICH_YEAR_PHRASES})
COHORT = Question(
    "cohort",
    N_("Which year of work are you in?"),
    (
        (
            Choice(
                "1",
                N_("1st year"),
                ("1", "1р", "нэг", "нэгдүгээр", "нэгдүгээр жил", "анхны", "эхний", "first", "1st"),
            ),
            Choice(
                "5",
                N_("5th year"),
                ("5", "5р", "тав", "тавдугаар", "тавдахь", "тав дахь", "fifth", "5th", "tavdahi"),
            ),
            Choice(
                "10",
                N_("10th year"),
                ("10", "10р", "арав", "аравдугаар", "аравдахь", "арав дахь", "tenth", "10th"),
            ),
        ),
        (
            Choice(
                str(OTHER_COHORT),
                N_("Other"),
                ("бусад", "өөр", "other", "none", "аль нь ч биш", *tables.ALL_COHORTS_WORDS),
            ),
            Choice(
                UNSURE,
                N_("Not sure"),
                tables.UNSURE_PHRASES,
            ),
        ),
    ),
    extract=_named_cohort,
)  # fmt: skip

MENU = Question(  # typed, only its labels choose: "имэйл солих" is a question of its own
    "menu",
    "",
    (
        (Choice("schedule", N_("Schedule")), Choice("recovery", N_("Password / e-mail"))),
        (Choice("certificate", N_("Certificate")), Choice("human", N_("Talk to a person"))),
    ),
)


def menu_buttons() -> list[Button]:
    """The main menu's items in the current language, for a channel's persistent menu."""
    return [button for row in MENU.buttons() for button in row]
