"""Typed answers to a declared yes/no question: what counts as yes, no, or a new message."""

from __future__ import annotations

import pytest

from bot.desk.flows.recovery import SYSTEM
from bot.desk.flows.schedule import NOTICE, REMINDERS
from bot.desk.questions import COHORT, UNSURE, Choice, Question, asks_to_be_told, yes_no
from bot.nlu.choices import DECLINED, asks_with_a_word, keys
from bot.nlu.entities import button_place, only_checks_presence, puts_off

SOLVED = yes_no("solved", "Is the problem solved?")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("y", "yes"),
        ("Y!", "yes"),
        ("n", "no"),
        ("тийм ээ", "yes"),
        ("ugui", "no"),
        ("no it didn't", "no"),
        ("it doesn't work", "no"),
        ("I can't", "no"),
        ("not really", "no"),
    ],
)
def test_typed_answers_to_a_yes_no_question(text: str, value: str) -> None:
    assert SOLVED.choose(text) == value


@pytest.mark.parametrize(
    "text",
    ["I have another problem", "I forgot my password", "I think the link is broken"],
)
def test_a_sentence_starting_with_i_is_no_yes(text: str) -> None:
    """"y" is yes alone; inside a sentence its spelling is the "I" that starts it."""
    assert SOLVED.choose(text) is None


@pytest.mark.parametrize("text", ["тэгээд яах вэ", "tegeed yah ve", "yes, how do I join?"])
def test_a_reply_that_asks_is_a_new_message(text: str) -> None:
    """"тэгээд" (and then) begins like "тэг" (do so): a question word makes it a question."""
    assert SOLVED.choose(text) is None


def test_a_register_number_is_no_word_of_a_choice() -> None:
    """"ОР88070923" starts with the letters of "өөр" (something else): a number typed where
    a choice is asked is a new message, not that choice with a word to spare."""
    choices = (Choice("pick", "A", ("1",)), Choice("none", "B", ("өөр",)))
    which = Question("which", "Which?", (choices,))
    assert which.choose("өөр") == "none"
    assert which.choose("ОР88070923") is None
    assert which.choose("ор-88070923 Цэрэн") is None


def test_a_no_beside_the_only_choice_declines_it() -> None:
    """A question that offers one thing (🔔 reminders): "no reminders please" turns it down;
    where there are several, "no, esurgalt" still chooses the one named."""
    assert REMINDERS.choose("no reminders please") == DECLINED
    assert REMINDERS.choose("сануулга хэрэггүй") == DECLINED
    assert REMINDERS.choose("remind me") == "on"
    assert SYSTEM.choose("no, esurgalt") == "elearning"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # an English question word further in joins a request: it asks nothing
        ("yes plz tell me when its done", "yes"),
        # opening the reply, it asks
        ("yes, when will it start?", None),
        ("ok how do I join", None),
        # a one-word answer before a comma is the answer; "болохоор" (because) is no "болно"
        ("Үгүй ээ, менежер маань амралттай байгаа болохоор сэргээх хүн алга", "no"),
        # … but not when the rest asks
        ("за, тэгээд хэзээ эхлэх вэ", None),
        # an answer taken back: what follows the apology is the answer
        ("Үгүй ээ, уучлаарай, тийм", "yes"),
        ("no sorry, yes", "yes"),
        ("за уучлаарай үгүй", "no"),
        # an apology with no answer before it takes nothing back
        ("уучлаарай, тийм", "yes"),
        # "гайгүй" ends in -гүй and denies nothing: it is no "no"
        ("гайгүй", None),
        # a yes taken back by what follows "but" (a failure, or "still"), or confirmed by it
        ("orson, gehdee module ni neegdehgui bn", "no"),
        ("Нэвтэрдэг. Гэхдээ 5 минут болоод л дахиад гаргачихдаг", "no"),
        ("Эхлээд болоогүй, гэхдээ одоо тийм", "yes"),
    ],
)
def test_what_stands_beside_a_yes_or_a_no(text: str, value: str | None) -> None:
    assert SOLVED.choose(text) == value


def test_an_offer_is_taken_after_an_acknowledgement() -> None:
    """"oilgoloo, sanuulga avya": the 🔔 offer's words after an "understood"."""
    assert REMINDERS.choose("oilgoloo, sanuulga avya") == "on"
    assert REMINDERS.choose("menejer sanuulga avya") is None


def test_an_acknowledgement_before_a_question_of_its_own_takes_no_offer() -> None:
    """"OK, … Is it over?" heard the answer and asks anew, as "дараа" (afterwards) in a
    question does; "Yes please, let me know when it is registered." still takes it: "yes"
    answers, "ok" only hears."""
    assert NOTICE.choose("OK, my manager says 10th year. Is my training already over?") is None
    assert NOTICE.choose("за, 1 дэх жилийнх хэзээ эхлэх вэ?") is None
    assert NOTICE.choose("Yes please, let me know when it is registered.") == "yes"
    assert NOTICE.choose("daraa ni nuhuj hamragdaj bolohuu") is None  # "afterwards", asked
    assert NOTICE.choose("дараа") == "no"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ESIS-ээсээ", ("эсис",)),  # -ээс + -ээ: endings, however long
        ("ESIS-ийнхээ", ("эсис",)),
        ("Бат-Эрдэнэ", ("бат", "эрдэнэ")),  # a name's second part is a word
        ("e-learning", ("эсургалт",)),
    ],
)
def test_what_follows_a_hyphen(text: str, words: tuple[str, ...]) -> None:
    """Endings after a hyphen are no words: "ESIS-ээсээ" had read as the yes "эсэ"."""
    assert keys(text) == words
    assert SOLVED.choose(f"үгүй ээ хэрэггүй, би өөрөө {text} шалгаад байя") != "yes"


@pytest.mark.parametrize(
    ("text", "later"),
    [
        ("za bolson, daraa shalgay", True),
        ("за болсон, дараа шалгая", True),
        ("ok later", True),
        ("хэсэг хүлээгээд үзье, дараа бичье", True),
        ("дараа хэлье", True),
        ("дараа хэзээ болох вэ", False),  # asks
        ("нууц үг солих гэсэн чинь болсон", False),  # tells more
        ("за", False),  # only acknowledges: the step stays open
    ],
)
def test_what_puts_a_step_off(text: str, later: bool) -> None:
    assert puts_off(text) is later


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("эхнийх", 0),
        ("дээд талынх нь", 0),
        ("the second one", 1),
        ("б", 1),
        ("сүүлийнх", -1),
        ("доод талынх", -1),
        ("2", 1),
        ("нууц үг", None),
        ("хоёр жил", None),
    ],
)
def test_a_button_named_by_its_place(text: str, place: int | None) -> None:
    assert button_place(text, digits=True) == place


def test_digits_are_no_place_where_a_choice_is_a_number() -> None:
    """The year question's "1" is the 1st year, its "2" no button; "which system?" takes
    "2" as its second button, and "сүүлийнх" as its last."""
    assert button_place("2", digits=False) is None
    assert SYSTEM.choose("2") == SYSTEM.choices[1].value
    assert SYSTEM.choose("сүүлийнх") == SYSTEM.choices[-1].value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("цахим сургалтынх. бас вебинар хэзээ эхлэх вэ?", "elearning"),
        ("ESIS, нууц үгээ бас мартсан", "esis"),
        ("ESIS биш, цахим сургалт", None),  # the first clause denies
        ("ESIS, цахим сургалт", None),  # both named
    ],
)
def test_a_choice_typed_first_with_more_after_it(text: str, value: str | None) -> None:
    assert SYSTEM.choose(text) is None  # the whole reply is no answer …
    assert SYSTEM.choose_first_clause(text) == value  # … its first clause may be


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5р", "5"),
        ("10 r", "10"),
        ("мэдэхгүй ээ, 2020 онд орсон", UNSURE),  # the "not sure" phrase holds its "-гүй"
        ("not sure honestly, I started working in 2020", UNSURE),
        ("I don't know which year I am", UNSURE),
        ("I dont know my password", None),
        # a hedged year is the teacher's best word; beside "not sure" it is taken for no answer
        ("5 байх аа", "5"),
        ("10 orchim jil bolj bgaa", "10"),
        ("maybe the 1st", "1"),
        ("6 байх", None),
        ("yag sain medehgui ee, 5 baih", None),
    ],
)
def test_typed_answers_to_the_year_question(text: str, value: str | None) -> None:
    assert (COHORT.choose(text) or COHORT.choose_first_clause(text)) == value


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        ("хүсэлтээ яаж цуцлах вэ", True),
        ("how do I cancel", True),
        ("цуцалж өгнө үү", False),  # a polite request is done, not answered
        ("please cancel it", False),
        ("can you cancel it?", False),
    ],
)
def test_a_question_word_asks_a_polite_request_does_not(text: str, asking: bool) -> None:
    assert asks_with_a_word(text) is asking


def test_an_offer_takes_no_first_clause() -> None:
    """"no, 10th year" to an offer declines nothing: it corrects the year."""
    assert REMINDERS.choose_first_clause("no, 10th year") is None
    assert NOTICE.choose_first_clause("тийм, бас батламжаа яаж харах вэ") is None


@pytest.mark.parametrize(
    ("text", "present"),
    [("байна уу", True), ("ало", True), ("alo?", True), ("байна уу?", True),
     ("байна", False), ("уу?", False), ("хүн байна уу", False)],
)  # fmt: skip
def test_is_anyone_there(text: str, present: bool) -> None:
    assert only_checks_presence(text) is present


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("тэгэхээр манай ээлжийн сургалт өнгөрчихсөн гэсэн үг үү", None),  # "so": no "тэгье"
        ("за больё", "no"),
    ],
)
def test_replies_to_the_notice_offer(text: str, value: str | None) -> None:
    assert NOTICE.choose(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("болсонгүй ээ, имэйл рүү юу ч ирэхгүй байна", "no"),  # "юу ч": nothing, no question
        ("болоогүй, yu ch irehgui bn", "no"),
        ("болсонгүй, юу гэж бичих вэ", None),  # "юу" asks: a new message
    ],
)
def test_an_indefinite_word_asks_nothing(text: str, value: str | None) -> None:
    assert SOLVED.choose(text) == value


def test_because_is_no_yes() -> None:
    """"болохоор" (because) shares its folded beginning with "боллоо" (it worked)."""
    feedback = yes_no("fb", "Did this help?", yes=("боллоо",))
    assert feedback.choose("боллоо") == "yes"
    assert feedback.choose("компьютерт тааруу хүн болохоор") is None


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("Daraagiin huvaari garval end ilgeej ogno uu.", True),  # a stem, a word between
        ("шинэ хуваарь гарвал хэлж өгөөрэй", True),
        ("Please let me know when the next schedule is published", True),
        ("could you let me know when the webinar part begins", False),  # a date asked
        ("хуваарь гарсан уу", False),
    ],
)
def test_a_notice_asked_for_in_words(text: str, told: bool) -> None:
    assert asks_to_be_told(text) is told
