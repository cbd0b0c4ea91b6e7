"""Register numbers: parsing what people type, and keeping them out of logs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.nlu import tables
from bot.nlu.choices import ACKNOWLEDGEMENTS, FILLERS, keys

# Latin letters people type for the Cyrillic letters of residence codes (УБ, ДА, ...),
# including look-alikes (Latin "y" for "у", "x" for "х").
LATIN_TO_CYRILLIC = {
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "j": "ж", "z": "з",
    "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р",
    "s": "с", "t": "т", "u": "у", "f": "ф", "h": "х", "x": "х", "c": "ц", "y": "у",
    "q": "ө", "w": "ү",
}  # fmt: skip

# Two letters (Cyrillic or Latin), optional separators, eight digits (spaces or dashes inside).
_CANDIDATE = re.compile(
    r"(?<![^\W\d_])([^\W\d_])[\s\-]?([^\W\d_])[\s\-]*(\d(?:[\s\-]?\d){7})(?![\d])"
)
# Two letters and a wrong count of digits (six to eleven): a register number mistyped.
_MISCOUNTED = re.compile(
    r"(?<![^\W\d_])[^\W\d_][\s\-]?[^\W\d_][\s\-]*\d(?:[\s\-]?\d){5,10}(?![\d])"
)
# A letter O between digits is a zero: "УБ85О31214" (the letter sits beside the 0 key).
_O_FOR_ZERO = re.compile(r"(?<=\d)[OoОо](?=\d)")
_WORD = re.compile(r"[^\W\d_]+")
# Words next to a register number that are not a surname: "миний регистр УБ… овог Бат".
NOT_A_SURNAME = frozenset(
    [
        "миний",
        "минийх",
        "регистр",
        "регистрийн",
        "регистрын",
        "дугаар",
        "дугаарын",
        "дугаараар",
        "рд",
        "рег",
        "овог",
        "овгийн",
        "нэр",
        "нэрийн",
        "байна",
        "байгаа",
        "юм",
        "бол",
        "шүү",
        "уу",
        "үү",
        "вэ",
        "бэ",
        "ба",
        "болон",
        "тэгээд",
        "мөн",
        "бас",
        "за",
        "register",
        "number",
        "surname",
        "name",
        "my",
        "is",
        "and",
        "ovog",
        "ner",
        "registr",
        "dugaar",
        "mini",
        "maan",
    ]
)
# Words said around a number that name no one: "uuchlaarai ub85031214", "за УБ85031214".
_SAID_AROUND = ACKNOWLEDGEMENTS | FILLERS | frozenset(keys(tables.CHANGE_OF_MIND_WORDS))


def _not_a_surname(word: str) -> bool:
    lowered = word.lower()
    return lowered in NOT_A_SURNAME or lowered in SURNAME_LABELS or set(keys(word)) <= _SAID_AROUND


_MONGOLIAN_LETTER = re.compile(r"[а-яёөү]")

# Letters that typing cannot tell apart: Latin "e", "u", "o" and keyboards without ө/ү.
_CONFUSABLE = {"Е": "ЕЭ", "Э": "ЭЕ", "У": "УҮ", "Ү": "ҮУ", "О": "ОӨ", "Ө": "ӨО"}
# Capital Latin letters that look like other Cyrillic ones than they sound: "OP88070923"
# copied from a Cyrillic card is ОР, "OP" read as chat-Latin is ОП.
_LOOK_ALIKE = {"B": "В", "C": "С", "H": "Н", "P": "Р"}


class RegisterNumberError(ValueError):
    pass


@dataclass(frozen=True)
class RegisterNumber:
    value: str  # canonical: two upper-case Cyrillic letters and eight digits
    look_alike: str = ""  # the letters read as Cyrillic look-alikes, when that differs

    @property
    def key(self) -> str:
        """What lookups and notice requests of this number are kept under: not the number
        itself, which is personal data (the roster may not even hold it)."""
        return hashlib.sha256(f"certificate-lookup:{self.value}".encode()).hexdigest()

    @property
    def masked(self) -> str:
        return self.value[:2] + "******" + self.value[-2:]

    @property
    def birth_date(self) -> date:
        return _birth_date(self.value[2:8])

    @property
    def spellings(self) -> tuple[str, ...]:
        """This number and those differing only in е/э, у/ү, о/ө: what the person may mean."""
        spelt = []
        for letters in filter(None, (self.value[:2], self.look_alike)):
            first, second = (_CONFUSABLE.get(ch, ch) for ch in letters)
            spelt += [a + b + self.value[2:] for a in first for b in second]
        return tuple(spelt)


def _letter(ch: str) -> str | None:
    ch = ch.lower()
    ch = LATIN_TO_CYRILLIC.get(ch, ch)
    return ch if _MONGOLIAN_LETTER.fullmatch(ch) else None


def _birth_date(digits: str) -> date:
    """YYMMDD; people born in 2000 or later have 20 added to the month."""
    yy, mm, dd = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    century = 1900
    if mm > 20:
        century, mm = 2000, mm - 20
    return date(century + yy, mm, dd)


BIRTH_DATE = "birth_date"  # a number's problem: two letters and eight digits, no such date
MISCOUNTED = "miscounted"  # … two letters and a digit too few or too many
# Problems said as soon as a message shows them: plainly a register number, typed wrong.
SAID_AT_ONCE = frozenset({BIRTH_DATE, MISCOUNTED})


def parse_register_number(text: str) -> RegisterNumber:
    """The canonical form of a register number typed any usual way; raises with the reason."""
    compact = re.sub(r"[\s\-]", "", text.strip())
    if len(compact) != 10 or not compact[2:].isascii() or not compact[2:].isdigit():
        raise RegisterNumberError("form")
    letters = [_letter(ch) for ch in compact[:2]]
    if None in letters:
        raise RegisterNumberError("form")
    try:
        _birth_date(compact[2:8])
    except ValueError:
        raise RegisterNumberError(BIRTH_DATE) from None
    value = "".join(letters).upper() + compact[2:]  # type: ignore[arg-type]
    look_alike = "".join(_LOOK_ALIKE.get(ch) or _letter(ch) or ch for ch in compact[:2]).upper()
    return RegisterNumber(value, look_alike if look_alike != value[:2] else "")


def mask_register_numbers(text: str) -> str:
    """Replace anything shaped like a register number, so logs never hold one in full."""
    return _CANDIDATE.sub(lambda m: f"{m.group(1)}{m.group(2)}******{m.group(3)[-2:]}", text)


@dataclass(frozen=True)
class Mention:
    """A register number named inside a message, and the surname written beside it."""

    number: RegisterNumber | None  # None: something number-shaped that is not valid
    problem: str  # "" | "form" | BIRTH_DATE
    surname: str  # "" when none stands beside the number


# The words that label a surname, in the cases a label takes before it ("овгоороо Мөнхбат":
# by my surname, Munkhbat), Latin and Russian's too.
SURNAME_LABELS = frozenset(
    [
        "овог", "овгийн", "овгийг", "овгоо", "овгоор", "овгоороо", "ovog", "ovgiig", "ovgoo",
        "ovgoor", "ovgooroo", "surname", "фамилия", "familiya", "familia",
    ]
)  # fmt: skip


def only_names_the_person(text: str, mention: Mention) -> bool:
    """Whether a message gives a register number and its surname and nothing else ("My
    register number is УБ85031214 and my surname is Дорж", "Миний РД УБ85031214, овог
    Дорж"): a lookup's details, whatever entry its naming words come near (a data fix)."""
    rest = _CANDIDATE.sub(" ", text)
    said = set(keys(rest)) - set(keys(mention.surname)) - FILLERS
    return bool(mention.surname) and said <= _NAMING_WORDS


_NAMING_WORDS = frozenset(
    keys(
        "my register number registration no is and surname last name family миний "
        "регистрийн дугаар регистр рд овог нэр маань минь бол"
    )
)


def _names_the_person(rest: str, after: list[str], known: Callable[[str], bool]) -> bool:
    """Whether the first word after the number is the surname: right after it, or after a
    label (", овог Дорж"), but not across a comma or full stop ("УБ85031214, батламжаа
    шалгуулмаар байна" goes on with the request) unless it ends the message after a comma;
    when a sentence follows, capitalised or
    a word the questions never use ("уб01231507 мөнхбат батламж бүртгэгдсэн үү"); of two
    words, not when both are the questions' ("УБ85031214 батламж шалгах")."""
    gap = rest[: rest.find(after[0])]
    labelled = any(word.lower() in SURNAME_LABELS for word in _WORD.findall(gap))
    # "ОР 88070923, Цэрэн": a name that ends the message after a comma
    last_after_a_comma = gap.strip() == "," and len(after) == 1 and not known(after[0])
    if re.search(r"[,.;:!?]", gap) and not (labelled or last_after_a_comma):
        return False
    if labelled or after[0][:1].isupper() or not known(after[0]) or len(after) == 1:
        return True
    return len(after) == 2 and not known(after[1])  # "батламж шалгах" is the request


def find_register_number(
    text: str, known: Callable[[str], bool] = lambda _word: True
) -> Mention | None:
    """The register number a message names anywhere ("батламж шалгах. УБ85031512 Бат",
    "ub 8503 1512 bat"), with the surname next to it; None when it names none. Eight digits
    without their two letters, or a number with a wrong date, is a Mention with a problem.
    `known` tells the words of questions (the matcher's vocabulary) from names."""
    text = _O_FOR_ZERO.sub("0", text)
    match = _CANDIDATE.search(text) or _MISCOUNTED.search(text)
    if match is None:
        digits = re.search(r"\d(?:[\s\-]?\d){5,}", text)
        return Mention(None, "form", "") if digits else None
    number: RegisterNumber | None = None
    wrong = ""
    try:
        number = parse_register_number(match.group(0))
    except RegisterNumberError as problem:
        wrong = str(problem)
        if wrong == "form" and _CANDIDATE.search(text):
            return Mention(None, wrong, "")
        # "УБ8503121 Дорж", "уб85133214 Дорж" (no 13th month): what is wrong is said, and the
        # surname kept for the number typed again
    rest = text[match.end() :]
    after = [w for w in _WORD.findall(rest) if not _not_a_surname(w)]
    before = [w for w in _WORD.findall(text[: match.start()])]
    surname = after[0] if after and _names_the_person(rest, after, known) else ""
    # "Бат УБ85031512": a capitalised word before it, or the message is just name and number;
    # not across a sentence's end ("Уучлаарай. ОР88070923" apologises). It wins over a
    # question's word after the number ("Дорж УБ-85031214 батламжаа шалгуулъя").
    if (
        (not surname or known(surname))
        and before
        and not re.search(r"[.;:!?]", text[text.rfind(before[-1]) : match.start()])
        and not _not_a_surname(before[-1])
        and (before[-1][:1].isupper() or len(before) == 1)
    ):
        surname = before[-1]
    # told in words wins: "his surname is Munkhbat", "намайг цэрэн гэдэг … арав дахь"
    problem = "" if number else (wrong if wrong == BIRTH_DATE else MISCOUNTED)
    return Mention(number, problem, told_surname(text, known) or surname)


# A surname told with the words that name it, anywhere in a message: "Дорж гэдэг", "овог
# маань Мөнхбат", "my surname is Dorj", "Дорж овогтой Батбаяр" (Dorj by surname, named
# Batbayar), "хуучин овгоороо Мөнхбат" (by my old surname), Russian's "фамилия Дорж". One
# word, not a question's ("батламж гэдэг").
_TOLD_SURNAME = re.compile(
    r"(?:\b(?:" + "|".join(sorted(SURNAME_LABELS, key=len, reverse=True)) + r")\b"
    r"(?:\s+нэр)?|\blast\s+name|\bfamily\s+name)"
    r"(?:\s+(?:маань|минь|нь|бол|is|maani|maan|mini|ni|bol))?"
    r"(?:\s+(?:written|spelled|spelt)(?:\s+as)?)?[\s:\-–]+(?P<after>[^\W\d_]{2,})"
    r"|(?P<before>[^\W\d_]{2,})\s+(?:гэдэг|гэнэ|gedeg|овогтой|ovogtoi)\b",
    re.IGNORECASE,
)
# The name as it is written ("одоо ESIS дээр Дорж гэж бий", "dorj gej bichsen"): it wins over
# one told before it ("Овог маань гэрлэснээр солигдсон, хуучнаар Бат байсан").
_WRITTEN_SURNAME = re.compile(
    r"(?P<before>[^\W\d_]{2,})\s+(?:гэж|gej)\s+(?:бий|bii|бичсэн|бичигдсэн|bichsen|bichigdsen)\b",
    re.IGNORECASE,
)


def retold_surname(text: str, known: Callable[[str], bool]) -> str:
    """The surname typed again after a lookup found nothing: the one word beside an apology,
    "mistaken" or "it was written wrong" ("anduurlaa dorj", "уучлаарай, Мөнхбат", "овог
    маань буруу бичигдсэн, Мөнхбат") that no question uses; else ""."""
    if "?" in text or any(ch.isdigit() for ch in text):
        return ""
    words = [word for word in _WORD.findall(text) if not _not_a_surname(word)]
    # "уучлаарай, овог маань буруу бичигдсэн, Мөнхбат": the one word no question uses
    names = [word for word in words if not known(word)]
    return names[0] if len(names) == 1 and len(words) <= _RETOLD_WORDS else ""


_RETOLD_WORDS = 8  # a surname typed again comes with a short apology, not a story


def told_surname(text: str, known: Callable[[str], bool] = lambda _word: False) -> str:
    """The surname a message tells in words ("Дорж гэдэг", "Овог маань Мөнхбат."), or ""."""
    matches = [*_WRITTEN_SURNAME.finditer(text), *_TOLD_SURNAME.finditer(text)]
    for match in matches:
        word = match.groupdict().get("after") or match.group("before")
        if not _not_a_surname(word) and not known(word):
            return word
    return ""
